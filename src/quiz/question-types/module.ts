/**
 * What a question type is: one module that knows its fields, how it compiles, what a student sees of it,
 * its key, how an answer is read and graded, how it is shown (Markdown, terminal), how each LMS format
 * writes it, and what an assignment's student copy keeps of it (its keyless form, the variant drawn from
 * that, the self-check of an answer's shape). The engine (load, variant, grade, export, renderers) never asks "which type is this?": it
 * looks the module up in the registry (registry.ts) and calls it. Adding a type is one file implementing
 * QuestionTypeModule and one line in the registry.
 *
 * Declarations here stay free of zod and xmlbuilder2 types on purpose: the public data types (variants,
 * keys) are derived from the registry, and notebooks read them through tslab's TypeScript 5.0.
 */
import type { Expression } from '../expression.js';
import type { Path, Problems } from '../problems.js';
import type { Draw } from '../random.js';
import type { Template } from '../template.js';
import type { CompiledParam } from '../compiled-param.js';
import type { KeylessBase, NumberOrExpression, QuestionBase, Verdict, VariantBase } from '../base-types.js';

/** The part of a zod schema the structure check uses (kept structural so declarations need no zod). */
export interface FieldSchema {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: readonly FieldIssue[] } };
}
export interface FieldIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
}

/** What every compiled question has; a type's compiled form extends it. */
export interface CompiledBase<D extends QuestionBase = QuestionBase> {
  def: D;
  /** Names this question's random stream: its id, or "scenarioId/partId" for a part. */
  streamId: string;
  label: string;
  params: readonly CompiledParam[];
  prompt: Template;
  explanation?: Template;
}

/** Given to a type's compile: where problems go and how to compile its templates and expressions. */
export interface CompileContext {
  problems: Problems;
  path: Path;
  label: string;
  bankId: string;
  streamId: string;
  /** Params in scope (the question's own and an enclosing scenario's). */
  scope: ReadonlySet<string>;
  /** A template whose {{names}} must be params (or among `extra`). */
  template(field: Path, text: string, extra?: ReadonlySet<string>): Template;
  /** An expression over `symbols`; undefined (and a problem added) when it does not compile. */
  expression(field: Path, value: NumberOrExpression, symbols: ReadonlySet<string>): Expression | undefined;
  /** A scenario's parts: structure-checks and compiles one part (undefined when it has problems). */
  compilePart(raw: unknown, index: number, scope: ReadonlySet<string>): AnyCompiled | undefined;
}

/** Given to variant, key and grade: the drawn params (with an enclosing scenario's). */
export interface DrawContext {
  bankId: string;
  seed: number;
  values: Record<string, number>;
}

/*
 * A composite type (scenario) runs the same stage on each of its parts. The engine hands it that stage in
 * the context, so no type module imports the engine (variant.ts, grade.ts), which dispatches through the
 * registry that lists the composite: the import graph stays acyclic.
 */

/** variant's context: the stream for shuffles, and the variant stage for a part. */
export interface VariantContext extends DrawContext {
  draw: Draw;
  variantOfPart(part: AnyCompiled, values: Record<string, number>): VariantBase;
}

/** key's context: the key stage for a part. */
export interface KeyContext extends DrawContext {
  keyOfPart(part: AnyCompiled, values: Record<string, number>): { type: string };
}

/** grade's context: the grading stage for a part (a part's verdict, as the engine makes it). */
export interface GradeContext extends DrawContext {
  gradePart(part: AnyCompiled, answer: unknown, values: Record<string, number>): Verdict;
}

/*
 * An assignment's student copy holds each question's keyless form (src/assignment/keyless.ts dispatches
 * to the hooks below). The student's kernel has nothing else: it draws the variant from the keyless form
 * and checks an answer's shape against it, never its truth.
 */

/** keyless's context: the keyless stage for a part. */
export interface KeylessContext {
  keylessOfPart(part: QuestionBase): KeylessBase;
}

/** keylessVariant's context: the drawn values, the question's stream (for shuffles), and the stage for a part. */
export interface KeylessVariantContext {
  values: Record<string, number>;
  draw: Draw;
  /** Text with its {{params}} filled in from `values`, as the bank's variant fills it. */
  fill(text: string): string;
  variantOfPart(part: KeylessBase, values: Record<string, number>): VariantBase;
}

/** answerShape's context: the shape check of a part. */
export interface AnswerShapeContext {
  shapeOfPart(part: KeylessBase, answer: unknown): string | undefined;
}

/** What a type's grader says of one answer (the engine turns it into a Verdict). */
export type Graded =
  | { kind: 'not-graded'; reason: string }
  | {
      kind: 'graded';
      /** Share of the points, in [0, 1]. */
      fraction: number;
      /** Feedback that matched the answer (a choice's, a numeric slip's, a missing factor…), as Markdown. */
      messages: string[];
      /** The items, pairs, positions or parts that are wrong, named as the student sees them. */
      wrong?: string[];
      /** A composite (scenario): the verdict of each part; its score is their sum. */
      parts?: Record<string, Verdict>;
      /** A composite answered with part ids it does not have. */
      unknownParts?: string[];
    };

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Hooks for the terminal quiz (kvlab quiz): how the question reads and how a typed line becomes an answer. */
export interface TerminalHooks<V> {
  /** Blocks of Markdown after the prompt (choices, numbered options). */
  show(v: V): string[];
  /** What to type, before the "> " prompt. */
  hint(v: V): string;
  /** A typed line → the answer in submission shape (the grader still checks it). */
  parse(v: V, line: string): Parsed<unknown>;
}

/** The LMS exports of a type: one resolved item, then each format's writer. */
export interface LmsHooks<C, I> {
  /** The item's data for one variant (answers, feedback, fractions resolved to plain values). */
  resolve(cq: C, ctx: DrawContext, scope: Record<string, number>): I;
  /** GIFT: the answer block inside {…}; `kit` escapes text and numbers the GIFT way. */
  gift(item: I, kit: GiftKit): string;
  /** Moodle XML: the question type attribute and the type's elements. */
  moodle: { type: string; write(q: XmlNode, item: I, kit: MoodleKit): void };
  /** QTI 2.1: the response declaration, the interaction and the response processing. */
  qti(item: I, kit: QtiKit): QtiSpec;
  /** A line added to the prompt in GIFT (how to answer an item GIFT writes another way), if it needs one. */
  giftNote?(item: I): string | undefined;
  /** What a Moodle site needs to import this item's GIFT (a question type that is not everywhere), if anything. */
  giftNeeds?(item: I): string | undefined;
  /** A note for the export command's output, in every format: what an LMS cannot do with this item that kvlab does. */
  limits?(item: I): string | undefined;
  /** A note for the export command's output when it writes GIFT: what GIFT loses of this item (Moodle XML keeps). */
  giftLimits?(item: I): string | undefined;
  /** A note for the export command's output when it writes GIFT or Moodle XML (both for Moodle's importer): what Moodle refuses of this item. */
  moodleLimits?(item: I): string | undefined;
}

/** The xmlbuilder2 node methods the writers use (structural, so declarations need no xmlbuilder2). */
export interface XmlNode {
  ele(name: string, attributes?: Record<string, string>): XmlNode;
  txt(text: string): XmlNode;
  up(): XmlNode;
}

export interface GiftKit {
  /** Plain text escaped for GIFT. */
  escape(text: string): string;
  /** Markdown as Moodle HTML, escaped for GIFT (inline for a choice or feedback). */
  html(markdown: string, inline?: boolean): string;
  /** A number as a plain decimal. */
  num(x: number): string;
  /** "#feedback" or nothing. */
  feedback(markdown: string | undefined): string;
}

export interface MoodleKit {
  num(x: number): string;
  inlineHtml(markdown: string): string;
  /** HTML as an element's text, escaped so Moodle reads the HTML itself (entities included). */
  htmlText(node: XmlNode, html: string): XmlNode;
  /** Plain text (a unit, a right side) as an element's text: every `&` a character, never an entity. */
  plainText(node: XmlNode, text: string): XmlNode;
  /** An <answer fraction=…> with its text and optional feedback; returns it for extra children. */
  answer(q: XmlNode, fraction: number, text: string, feedback?: string, format?: string): XmlNode;
}

export interface QtiKit {
  /** The item's points (SCORE is in points). */
  points: number;
  num(x: number): string;
  /** Inline Markdown appended to a QTI element as XHTML. */
  inline(parent: XmlNode, markdown: string): void;
  /** Plain text (a unit) as an element's text: every `&` a character, never an entity. */
  plainText(node: XmlNode, text: string): XmlNode;
  setOutcome(parent: XmlNode, id: string, build: (p: XmlNode) => void): void;
  baseValue(parent: XmlNode, type: string, value: string): void;
}

export interface QtiSpec {
  cardinality: 'single' | 'multiple' | 'ordered';
  baseType: 'identifier' | 'float' | 'string' | 'directedPair' | 'boolean';
  correct: string[];
  /** map_response scoring, each entry's value a share of the points; omitted when `process` scores the item. */
  mapping?: { entries: { key: string; value: number }[]; caseSensitive?: boolean };
  interaction(body: XmlNode, kit: QtiKit): void;
  /** Custom response processing (numeric tolerance, ordering positions); default: SCORE = mapResponse. */
  process?(rp: XmlNode, kit: QtiKit): void;
  /** SCORE by mapResponse also selects modal feedback by the response identifier (choices). */
  feedbackByResponse?: boolean;
  feedbackCardinality?: 'single' | 'multiple';
  /** Modal feedback blocks selected through the FEEDBACK outcome. */
  feedback: { id: string; markdown: string }[];
}

/**
 * One question type. D is its bank form, C its compiled form, V what a student sees, K its key in the
 * shape a submission answers with, I its LMS item, S its keyless form (by default the common fields only).
 */
export interface QuestionTypeModule<
  D extends QuestionBase = QuestionBase,
  C extends CompiledBase<D> = CompiledBase<D>,
  V extends VariantBase = VariantBase,
  K extends { type: string } = { type: string },
  I = unknown,
  S extends KeylessBase = KeylessBase & { type: D['type'] },
> {
  readonly type: D['type'];
  /** The type's own fields (beyond id, type, points, prompt, explanation, tags, params), as schemas. */
  readonly fields: Readonly<Record<string, FieldSchema>>;
  /** Fields whose bad value does not stop the cross-field checks (they get a harmless default). */
  readonly harmless?: readonly string[];
  /** May it be a part of a scenario? */
  readonly part: boolean;
  /** Fills in defaults in the checked data, so later stages never ask "was it given?". */
  normalize?(q: Record<string, unknown>): void;
  /** Symbols the explanation may use besides params (numeric: answer). */
  readonly explanationSymbols?: readonly string[];
  /** The cross-field rules and the compiled form; adds problems through ctx. */
  compile(ctx: CompileContext, q: D, base: CompiledBase<D>): C;
  /** After a clean compile: checks that need the whole question (an answer that must evaluate). */
  check?(ctx: CompileContext, cq: C, outer?: AnyCompiled): void;
  /**
   * `kvlab lint`'s warnings about a loaded question: what loads and grades but is most likely a mistake
   * (numeric: a feedback range whose low bound is above its high bound for some variant). One line each,
   * led by the question's label; a part's run with its scenario as `outer`.
   */
  warnings?(cq: C, bankId: string, outer?: AnyCompiled): string[];
  /** The values templates of the explanation and feedback see (numeric adds `answer`). */
  scope?(cq: C, values: Record<string, number>): Record<string, number>;
  /** What a student sees beyond the common fields. */
  variant(cq: C, base: VariantBase, ctx: VariantContext): V;
  key(cq: C, ctx: KeyContext): K;
  /** The key in words, for renderers allowed to show the answer (`describePart` does it for a part's key). */
  describeKey(key: K, describePart: (key: { type: string }) => string): string;
  /** Grades a given answer (never undefined) with the variant's values. */
  grade(cq: C, answer: unknown, ctx: GradeContext, scope: Record<string, number>): Graded;
  /** A scenario: its parts (compiled, and as variants). */
  compiledParts?(cq: C): readonly AnyCompiled[];
  variantParts?(v: V): readonly VariantBase[];
  /** A scenario exported part by part: the text that leads each part's prompt. */
  lead?(cq: C, values: Record<string, number>): string;
  /** Markdown for notebooks and the terminal: blocks before the prompt (a scenario's case), after it, and how to answer. */
  markdownLead?(v: V): string[];
  markdown(v: V): string[];
  howToAnswer?: string;
  /** Leaf types answer in the terminal; a scenario asks its parts. */
  terminal?: TerminalHooks<V>;
  lms?: LmsHooks<C, I>;
  /**
   * An assignment's student copy: the question without its key. `base` holds the common fields; the type
   * adds what the student chooses among, and never a field that states or implies an answer (the answer,
   * accepted forms, `correct`, a tolerance, feedback, the explanation), nor an order that follows the key.
   */
  keyless(q: D, base: KeylessBase, ctx: KeylessContext): S;
  /**
   * What a student sees, from the keyless form alone: the bank variant's fields, with shuffles drawn from
   * the same stream after the params, so each student sees the options the private bank gives them.
   */
  keylessVariant(s: S, base: VariantBase, ctx: KeylessVariantContext): V;
  /**
   * The self-check of an assignment: why an answer does not have the shape the question asks for, or
   * undefined when it does. Never whether it is right. An answer it accepts is never "not graded".
   */
  answerShape(answer: unknown, s: S, ctx: AnswerShapeContext): string | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = QuestionTypeModule<any, any, any, any, any, any>;
export type AnyCompiled = CompiledBase<QuestionBase & { type: string }>;

/* eslint-disable @typescript-eslint/no-explicit-any */
/** A type module's bank form, variant, key and keyless form: the unions of every type are built from these. */
export type DefOf<M> = M extends QuestionTypeModule<infer D, any, any, any, any, any> ? D : never;
export type VariantOf<M> = M extends QuestionTypeModule<any, any, infer V, any, any, any> ? V : never;
export type KeyOf<M> = M extends QuestionTypeModule<any, any, any, infer K, any, any> ? K : never;
export type KeylessOf<M> = M extends QuestionTypeModule<any, any, any, any, any, infer S> ? S : never;
/* eslint-enable @typescript-eslint/no-explicit-any */
