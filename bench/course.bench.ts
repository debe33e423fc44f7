/**
 * The course, executed headless as `npm run course` does: total wall time (Python, a kernel start-up per notebook and
 * every cell) against the 90 s target, and the slowest cell against 10 s. Per-notebook times beside them.
 * Run alone: `npm run bench -- course`.
 */
import { join } from 'node:path';
import { runCourse } from '../scripts/course.js';
import { ROOT } from '../scripts/jupyter.js';

const TOTAL_TARGET_SECONDS = 90;
const CELL_TARGET_SECONDS = 10;

function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}

export async function run(): Promise<void> {
  const course = await runCourse({ outDir: join(ROOT, 'build', 'course-bench'), html: true });
  for (const nb of course.notebooks) {
    const slow = nb.slowest === undefined ? '' : `  slowest cell #${nb.slowest.index} ${nb.slowest.seconds.toFixed(2)} s`;
    console.log(`${nb.name.padEnd(24)} ${nb.seconds.toFixed(1).padStart(5)} s  ${nb.cells.length} cells${slow}`);
  }
  const slowest = course.notebooks
    .flatMap((nb) => (nb.slowest === undefined ? [] : [{ notebook: nb.name, cell: nb.slowest }]))
    .reduce<{ notebook: string; cell: { index: number; firstLine: string; seconds: number } } | undefined>(
      (a, c) => (a === undefined || c.cell.seconds > a.cell.seconds ? c : a),
      undefined,
    );
  const cellSeconds = slowest?.cell.seconds ?? 0;
  console.log(
    `course total (${course.notebooks.length} notebooks + HTML export): ${course.seconds.toFixed(1)} s   target < ${TOTAL_TARGET_SECONDS} s   ${verdict(course.seconds < TOTAL_TARGET_SECONDS)}`,
  );
  console.log(
    `slowest cell: ${cellSeconds.toFixed(2)} s (${slowest?.notebook ?? '-'} #${slowest?.cell.index ?? '-'}: ${slowest?.cell.firstLine ?? ''})   target ≤ ${CELL_TARGET_SECONDS} s   ${verdict(cellSeconds <= CELL_TARGET_SECONDS)}`,
  );
  if (!course.ok) console.log('course FAILED: run `npm run course` for the failing cells');
}
