/**
 * Course assignments: an instructor's source folder (assignment.yaml, notebooks with solution regions,
 * private banks) → a student's copy without keys → saved notebooks graded as data → feedback pages and
 * Gradescope results. Workflow: docs/assignments.md.
 */
export { loadAssignment, checkAssignment, isAssignmentDir, AssignmentError, ASSIGNMENT_FILE, type AssignmentSource } from './manifest.js';
export { buildRelease, writeRelease, RELEASE_FILE, type Release, type ReleaseManifest } from './release.js';
export { keylessQuestion, keylessVariant, answerShapeProblem, type KeylessQuestion } from './keyless.js';
export { openAssignment, StudentAssignment, type OpenAssignmentOptions, type AssignmentDisplay } from './student.js';
export { gradeAssignmentFiles, gradeRecorded, type AssignmentGradebook, type AssignmentResult, type ItemResult } from './grade.js';
export { feedbackMarkdown, feedbackHtml, writeFeedback } from './feedback.js';
export { gradescopeResults, type GradescopeResults } from './gradescope.js';
export { autograderZip } from './autograder.js';
export { RECORD_MIME, notebookRecords, type AssignmentRecord } from './records.js';
