import { z } from 'zod';
import { problemSchema } from './problem.js';

export const localisedSchema = z.object({ id: z.string(), en: z.string() }).meta({ id: 'LocalisedText' });

/** Error responses every operation documents: RFC 9457 problem details. */
export const problemResponses = { '4xx': problemSchema, '5xx': problemSchema } as const;

export const uuidParam = z.uuid({ message: 'must be an id like 0f8fad5b-d9cb-469f-a165-70867728950e' });
