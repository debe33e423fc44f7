/**
 * Gradescope's autograder result (results.json, from Gradescope's autograder specification): a total
 * `score`, and `tests`, each with `name`, `score`, `max_score`, `output` and `visibility`. One test per
 * question and exercise, hidden from the student until the due date has passed (`after_due_date`), so
 * before the deadline they see only that their notebook was received and read; one visible test says so.
 */
import type { AssignmentGradebook } from './grade.js';

export interface GradescopeTest {
  name: string;
  score: number;
  max_score: number;
  status?: 'passed' | 'failed';
  output: string;
  output_format?: 'md' | 'text';
  visibility: 'hidden' | 'after_due_date' | 'after_published' | 'visible';
}

export interface GradescopeResults {
  score: number;
  output: string;
  output_format: 'md';
  visibility: 'hidden' | 'after_due_date' | 'after_published' | 'visible';
  stdout_visibility: 'hidden' | 'visible';
  tests: GradescopeTest[];
}

/**
 * results.json for one submission. Gradescope grades one student's upload at a time, so a gradebook of
 * several submissions is refused rather than one of them scored and the others dropped unseen.
 */
export function gradescopeResults(book: AssignmentGradebook, withSolutions: boolean): GradescopeResults {
  const submissions = book.results.length + book.rejected.length;
  if (submissions > 1) throw new RangeError(`gradescopeResults: Gradescope grades one submission at a time, but the gradebook holds ${submissions}`);
  const result = book.results[0];
  if (result === undefined) {
    const reasons = book.rejected.map((r) => `- ${r.file}: ${r.reason}`).join('\n') || '- no notebook (.ipynb) was handed in';
    return {
      score: 0,
      output: `Your submission could not be graded:\n\n${reasons}`,
      output_format: 'md',
      visibility: 'visible',
      stdout_visibility: 'hidden',
      tests: [],
    };
  }
  const tests: GradescopeTest[] = [
    {
      name: 'Notebook received',
      score: 0,
      max_score: 0,
      status: 'passed',
      output: `Read ${result.file} for student ${result.student}: locked cells intact, ${result.items.filter((i) => i.status !== 'unanswered').length} of ${result.items.length} items recorded.`,
      output_format: 'md',
      visibility: 'visible',
    },
    ...result.items.map((item): GradescopeTest => ({
      name: `${item.id} (${item.kind})`,
      score: item.score,
      max_score: item.max,
      status: item.status === 'correct' ? 'passed' : 'failed',
      output: withSolutions && item.solution ? `${item.feedback}\n\n**Solution**\n\n${item.solution}` : item.feedback,
      output_format: 'md',
      visibility: 'after_due_date',
    })),
  ];
  return {
    score: result.score,
    output: `**${book.title}**: graded for ${result.student}. Each question's score and feedback are shown after the due date.`,
    output_format: 'md',
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests,
  };
}
