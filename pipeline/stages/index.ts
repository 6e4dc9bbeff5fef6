// The pipeline, in order. Each stage reads only the folders it declares and writes only its own.
import { cleanStage } from './clean.js';
import { emitStage } from './emit.js';
import { extractStage } from './extract.js';
import { ingestStage } from './ingest.js';
import { linkStage } from './link.js';
import { validateStage } from './validate.js';
import type { StageDefinition } from '../lib/stage.js';

export const STAGES: StageDefinition[] = [ingestStage, cleanStage, extractStage, linkStage, validateStage, emitStage];
