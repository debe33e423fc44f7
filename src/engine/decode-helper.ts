/**
 * A second thread for the decode step. A step is a few matrix-vector products and one attention over the
 * cache, each split in two: the calling thread takes the first half (of the rows, or of the heads), this
 * helper the second, both running the same WebAssembly (wasm/attention.wat, its shared-memory twin) on
 * linear memories the two threads share. Nothing is copied between them but a few numbers per command.
 *
 * Why a helper at all: a decode step reads every weight and every cached pair once, ~16 MB a token for
 * the benchmark's model, so it is bound by how fast one core can stream memory; two cores stream about
 * twice as much. numpy does the same with its BLAS threads.
 *
 * The protocol, on an Int32Array over a SharedArrayBuffer (the control block):
 * - The caller writes a command's arguments, opens it (TICKET = its sequence number), then publishes it
 *   (SEQ = the same number), waking the helper with Atomics.notify if it sleeps (AWAKE = 0).
 * - Whoever first swaps TICKET from the number to 0 owns the command. The helper tries as soon as it sees
 *   SEQ move; the caller, once its own half is done (finish), tries too: if it wins, the helper was asleep
 *   or not scheduled (a busy machine), and the caller does the second half itself instead of waiting for
 *   a thread that is not running. So a step is never slower than one thread by more than a hand-off.
 * - If the helper owns it, it stores the number in DONE when done; the caller spins for that, and after
 *   a while sleeps in Atomics.wait (WAITING = 1, which the helper answers with Atomics.notify).
 * - The helper spins on SEQ while commands keep coming (a decode loop sends one every few µs, and waking a
 *   sleeping thread costs tens of µs); after IDLE_MS without one it clears AWAKE and sleeps in Atomics.wait,
 *   which returns at once if SEQ already moved (each side stores its flag before reading the other's, and
 *   Atomics are sequentially consistent, so no command is slept through). A failure is flagged in FAILED
 *   and raised on the caller's side.
 * WebAssembly memories are handed over once each, as messages the helper reads synchronously when a
 * command names one it has not seen (receiveMessageOnPort): its thread never returns to an event loop.
 *
 * One helper serves the whole process (only one decode step runs at a time on the calling thread), is
 * started by the first two-thread kernel, and does not keep the process alive (unref). Until its loop
 * runs (`ready`) the kernel does the whole step itself.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

// Control block slots.
const SEQ = 0;
const DONE = 1;
const AWAKE = 2;
const FAILED = 3;
const OP = 4;
/** 1 once the helper's loop runs; 0 before (it boots in tens of ms) and after it stopped. */
const READY = 5;
const TICKET = 6;
const WAITING = 7;
/** Memories the caller has dropped so far (a count the helper compares with the drops it has read). */
const DROPS = 8;
/** Arguments of a command start here. */
const ARGS = 12;
/** Heads one attention command can carry (two pointers each). */
const MAX_HEADS = 4096;
const CONTROL_INTS = ARGS + 16 + 2 * MAX_HEADS;

const OP_MATVEC = 1;
const OP_ATTEND = 2;

/** How long the helper spins for the next command before it sleeps, ms. */
const IDLE_MS = 2;
/** How long the caller waits for a command to finish before it calls the helper lost, ms. */
const ANSWER_MS = 10_000;
/** Polls of DONE before the caller sleeps instead (~100 µs). */
const SPINS = 20_000;

/** A WebAssembly.Memory, as far as this file needs one (ES2022's lib has no WebAssembly types). */
export interface SharedMemory {
  readonly buffer: ArrayBufferLike;
}

/**
 * The helper thread's program. It runs in the worker as source text (Function.prototype.toString), so
 * it imports nothing and closes over nothing: everything it needs comes in workerData.
 */
function helperMain(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const threads = require('node:worker_threads') as typeof import('node:worker_threads');
  const { control: controlBuffer, module, port } = threads.workerData as { control: SharedArrayBuffer; module: object; port: MessagePort };
  const control = new Int32Array(controlBuffer);
  type Exports = {
    matvec(out: number, w: number, x: number, rows: number, cols: number): void;
    attend(q: number, keys: number, values: number, slots: number, headDim: number, weights: number, out: number): void;
  };
  const wasm = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => { exports: Exports } } }).WebAssembly;
  const memories = new Map<number, { exports: Exports; floats: Float32Array }>();
  // A memory stays allocated while any thread holds it. This thread allocates almost nothing, so its heap
  // would never be collected on its own and a memory the caller dropped would live on here: after
  // forgetting one, collect by hand (gc, exposed through a fresh context once the flag is set).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--expose-gc');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const collect = (require('node:vm') as typeof import('node:vm')).runInNewContext('gc') as () => void;
  let dropsRead = 0;
  // Memories handed over or dropped since the last look, read without an event loop.
  const drain = () => {
    let forgotten = 0;
    for (let m = threads.receiveMessageOnPort(port); m; m = threads.receiveMessageOnPort(port)) {
      const { id, memory } = m.message as { id: number; memory?: { buffer: SharedArrayBuffer } };
      if (memory) {
        memories.set(id, { exports: new wasm.Instance(module, { env: { memory } }).exports, floats: new Float32Array(memory.buffer) });
      } else {
        memories.delete(id);
        forgotten += 1;
      }
    }
    dropsRead += forgotten;
    if (forgotten > 0) collect();
  };
  const memory = (id: number) => {
    let m = memories.get(id);
    if (!m) {
      drain();
      m = memories.get(id);
      if (!m) throw new Error(`memory ${id} was never handed to the helper`);
    }
    return m;
  };
  const run = () => {
    const a = ARGS_AT;
    if (control[OP_AT] === MATVEC) {
      memory(control[a]!).exports.matvec(control[a + 1]!, control[a + 2]!, control[a + 3]!, control[a + 4]!, control[a + 5]!);
      return;
    }
    // Attention of heads [h0, h1): copy each query head into this thread's scratch in the cache's memory,
    // attend, copy the output head back where the caller wants it.
    const cache = memory(control[a]!);
    const qMem = memory(control[a + 1]!).floats;
    const qAt = control[a + 2]! / 4;
    const outMem = memory(control[a + 3]!).floats;
    const outAt = control[a + 4]! / 4;
    const headDim = control[a + 5]!;
    const slots = control[a + 6]!;
    const h0 = control[a + 7]!;
    const h1 = control[a + 8]!;
    const scratchQ = control[a + 9]!;
    const scratchWeights = control[a + 10]!;
    const scratchOut = control[a + 11]!;
    const floats = cache.floats;
    for (let h = h0; h < h1; h++) {
      for (let e = 0; e < headDim; e++) floats[scratchQ / 4 + e] = qMem[qAt + h * headDim + e]!;
      const at = a + 16 + 2 * (h - h0);
      cache.exports.attend(scratchQ, control[at]!, control[at + 1]!, slots, headDim, scratchWeights, scratchOut);
      for (let e = 0; e < headDim; e++) outMem[outAt + h * headDim + e] = floats[scratchOut / 4 + e]!;
    }
  };
  let last = 0;
  Atomics.store(control, READY_AT, 1);
  for (;;) {
    let idleSince = Date.now();
    for (;;) {
      if (Atomics.load(control, DROPS_AT) !== dropsRead) drain();
      const seq = Atomics.load(control, SEQ_AT);
      if (seq !== last) {
        last = seq;
        // The command is this thread's only if the caller has not taken it back (see the protocol).
        if (Atomics.compareExchange(control, TICKET_AT, seq, 0) === seq) {
          try {
            run();
          } catch (error) {
            Atomics.store(control, FAILED_AT, 1);
            console.error(`kvlab decode helper: ${String(error)}`);
          }
          Atomics.store(control, DONE_AT, seq);
          if (Atomics.load(control, WAITING_AT) === 1) Atomics.notify(control, DONE_AT);
        }
        idleSince = Date.now();
      } else if (Date.now() - idleSince > IDLE) {
        break;
      }
    }
    Atomics.store(control, AWAKE_AT, 0);
    Atomics.wait(control, SEQ_AT, last);
    Atomics.store(control, AWAKE_AT, 1);
  }
}
// The names helperMain reads, defined in the worker's source ahead of it (it closes over nothing).
declare const SEQ_AT: number, DONE_AT: number, AWAKE_AT: number, FAILED_AT: number, OP_AT: number, ARGS_AT: number, READY_AT: number, TICKET_AT: number, WAITING_AT: number, DROPS_AT: number;
declare const MATVEC: number, IDLE: number;

export class DecodeHelper {
  private static shared: DecodeHelper | undefined;
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_INTS * 4));
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private seq = 0;
  /** Commands sent so far, and those the caller took back and did itself (tests read both). */
  commands = 0;
  taken = 0;
  private nextId = 1;
  private readonly ids = new WeakMap<SharedMemory, number>();
  // A memory this thread drops is dropped by the helper too, or the helper would keep it alive: the message,
  // then the count the helper watches, then a wake-up in case it sleeps.
  private readonly dropped = new FinalizationRegistry<number>((id) => {
    this.port.postMessage({ id });
    Atomics.add(this.control, DROPS, 1);
    Atomics.notify(this.control, SEQ);
  });

  /** The process's helper, started on first use with `module` (the shared-memory twin, compiled). */
  static get(module: object): DecodeHelper {
    DecodeHelper.shared ??= new DecodeHelper(module);
    return DecodeHelper.shared;
  }

  private constructor(module: object) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    const constants = { SEQ_AT: SEQ, DONE_AT: DONE, AWAKE_AT: AWAKE, FAILED_AT: FAILED, OP_AT: OP, ARGS_AT: ARGS, READY_AT: READY, TICKET_AT: TICKET, WAITING_AT: WAITING, DROPS_AT: DROPS, MATVEC: OP_MATVEC, IDLE: IDLE_MS };
    const source = [
      // A TypeScript runner may wrap function names for stack traces (esbuild's keepNames): a no-op here.
      'const __name = (f) => f;',
      ...Object.entries(constants).map(([name, value]) => `const ${name} = ${value};`),
      `(${helperMain.toString()})();`,
    ].join('\n');
    this.control[AWAKE] = 1;
    this.worker = new Worker(source, {
      eval: true,
      // Plain JavaScript needs no loader; an inherited one (`--import tsx`) would load on this thread's
      // event loop, which is busy waiting for the helper's first answer.
      execArgv: [],
      workerData: { control: this.control.buffer, module, port: channel.port2 },
      transferList: [channel.port2],
    });
    // A helper that stops (it should not) is not waited for again: the kernel does all the work itself.
    const stopped = () => Atomics.store(this.control, READY, 0);
    this.worker.on('error', stopped).on('exit', stopped);
    this.worker.unref();
    this.port.unref();
  }

  /**
   * Whether the helper takes commands: false while it boots, so the first steps run on one thread instead
   * of waiting for it, and false for good if it stopped.
   */
  get ready(): boolean {
    return Atomics.load(this.control, READY) === 1;
  }

  /** The id under which the helper knows `memory`, handing it over the first time. */
  memoryId(memory: SharedMemory): number {
    let id = this.ids.get(memory);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(memory, id);
      this.port.postMessage({ id, memory });
      this.dropped.register(memory, id);
    }
    return id;
  }

  /** Starts matvec(out, w, x, rows, cols) on the helper, pointers into the memory `memoryId`. */
  matvec(memoryId: number, out: number, w: number, x: number, rows: number, cols: number): void {
    const c = this.control;
    c[OP] = OP_MATVEC;
    c[ARGS] = memoryId;
    c[ARGS + 1] = out;
    c[ARGS + 2] = w;
    c[ARGS + 3] = x;
    c[ARGS + 4] = rows;
    c[ARGS + 5] = cols;
    this.send();
  }

  /**
   * Starts attention of heads [h0, h1) on the helper: the query heads are read at qByteOffset in memory
   * qMemory ([heads][headDim]), the outputs written at outByteOffset in outMemory; head h's keys and
   * values are the pointers pairs[2(h − h0)], pairs[2(h − h0) + 1] in the cache's memory, where the helper
   * works in its own scratch (q, weights and output regions).
   */
  attend(
    cacheMemory: number,
    qMemory: number,
    qByteOffset: number,
    outMemory: number,
    outByteOffset: number,
    headDim: number,
    slots: number,
    h0: number,
    h1: number,
    scratch: { q: number; weights: number; out: number },
    pairs: Int32Array,
  ): void {
    if (h1 - h0 > MAX_HEADS) throw new RangeError(`the decode helper takes at most ${MAX_HEADS} heads at once`);
    const c = this.control;
    c[OP] = OP_ATTEND;
    c.set([cacheMemory, qMemory, qByteOffset, outMemory, outByteOffset, headDim, slots, h0, h1, scratch.q, scratch.weights, scratch.out], ARGS);
    c.set(pairs.subarray(0, 2 * (h1 - h0)), ARGS + 16);
    this.send();
  }

  private send(): void {
    this.commands += 1;
    // Never 0: 0 is a taken ticket.
    this.seq = this.seq === 0x7fffffff ? 1 : this.seq + 1;
    Atomics.store(this.control, TICKET, this.seq);
    Atomics.store(this.control, SEQ, this.seq);
    if (Atomics.load(this.control, AWAKE) === 0) Atomics.notify(this.control, SEQ);
  }

  /**
   * After the caller's own half: true when the helper did the last command (waited for if need be), false
   * when the helper had not started it, which the caller must then do itself. Throws if it failed or the
   * helper stopped answering.
   */
  finish(): boolean {
    const c = this.control;
    if (Atomics.compareExchange(c, TICKET, this.seq, 0) === this.seq) {
      this.taken += 1;
      return false;
    }
    if (Atomics.load(c, DONE) !== this.seq) {
      const start = Date.now();
      let spins = 0;
      while (Atomics.load(c, DONE) !== this.seq && ++spins < SPINS) {
        // spin: the helper's half is usually about as long as ours, and done by now or nearly
      }
      Atomics.store(c, WAITING, 1);
      for (let seen = Atomics.load(c, DONE); seen !== this.seq; seen = Atomics.load(c, DONE)) {
        Atomics.wait(c, DONE, seen, 1);
        if (Date.now() - start > ANSWER_MS) {
          Atomics.store(c, WAITING, 0);
          throw new Error(`the decode helper thread did not answer within ${ANSWER_MS / 1000} s`);
        }
      }
      Atomics.store(c, WAITING, 0);
    }
    if (c[FAILED] !== 0) {
      c[FAILED] = 0;
      throw new Error('the decode helper thread failed (its message is on stderr)');
    }
    return true;
  }
}
