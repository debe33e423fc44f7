/**
 * The question types that may be a scenario's part: every type but a composite. The full registry
 * (registry.ts) is this list plus the composites, so a composite's part types come from here without
 * the composite reaching itself.
 *
 * To add a leaf type: write question-types/<type>.ts implementing QuestionTypeModule (module.ts), and add
 * it to this list. docs/authoring.md walks through it.
 */
import { trueFalse } from './true-false.js';
import { singleChoice, multipleChoice } from './choices.js';
import { numeric } from './numeric.js';
import { text } from './text.js';
import { matching } from './matching.js';
import { ordering } from './ordering.js';
import { complexity } from './complexity.js';
import type { DefOf, KeylessOf, KeyOf, VariantOf } from './module.js';

export const PART_TYPE_MODULES = [trueFalse, singleChoice, multipleChoice, numeric, text, matching, ordering, complexity] as const;

type PartModule = (typeof PART_TYPE_MODULES)[number];
/** A question that may be a scenario's part, discriminated by `type`. */
export type PartQuestion = DefOf<PartModule>;
/** What a student sees of a part. */
export type PartVariant = VariantOf<PartModule>;
/** A part's key. */
export type PartKey = KeyOf<PartModule>;
/** A part's keyless form (an assignment's student copy). */
export type PartKeyless = KeylessOf<PartModule>;
