/**
 * Moodle's import and matching rules, ported from Moodle's own source (moodle/moodle) for the export tests,
 * so an export is checked against what Moodle does rather than against kvlab's idea of it. Each function
 * names the PHP it follows; PHP's trim() and empty() are kept as PHP has them.
 */

/** PHP's trim(): these six characters only (not Unicode spaces). */
export const phpTrim = (s: string) => s.replace(/^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g, '');
/** PHP's empty() on a string: '' and '0'. */
export const phpEmpty = (s: string) => s === '' || s === '0';
/**
 * PHP's preg_quote(): every character made literal. preg_quote also escapes = ! < > : - #, which are literal
 * in PCRE either way; a JavaScript /u pattern refuses those escapes, so only its syntax characters are.
 */
const pregQuote = (s: string) => s.replace(/[.\\+*?[^\]$(){}|/]/g, '\\$&');

/**
 * Moodle's short-answer match, ported line for line from qtype_shortanswer_question::compare_string_with_wildcard
 * (question/type/shortanswer/question.php):
 *   $pattern = self::safe_normalize($pattern); $string = self::safe_normalize($string);   // NFC
 *   $bits = preg_split('/(?<!\\\\)\*+/', $pattern);
 *   foreach ($bits as $bit) $escapedbits[] = preg_quote(str_replace('\*', '*', $bit), '|');
 *   $regexp = '|^' . implode('.*', $escapedbits) . '$|u'; if ($ignorecase) $regexp .= 'i';
 *   return preg_match($regexp, trim($string));
 * The response itself arrives trimmed (get_expected_data: PARAM_RAW_TRIMMED); $ignorecase is !usecase.
 * Here the pattern is compiled once and tested against many responses.
 */
export function moodlePattern(pattern: string, ignoreCase: boolean): RegExp {
  const bits = pattern.normalize('NFC').split(/(?<!\\)\*+/u);
  const regexp = `^${bits.map((bit) => pregQuote(bit.replaceAll('\\*', '*'))).join('.*')}$`;
  return new RegExp(regexp, ignoreCase ? 'ui' : 'u');
}
export const moodleMatches = (response: string, pattern: RegExp) => pattern.test(phpTrim(response.normalize('NFC')));

/** qformat_default::readquestions (moodle/moodle, question/format.php): a question is a run of non-blank lines, each trimmed. */
export function readQuestions(file: string): string[][] {
  const questions: string[][] = [];
  let current: string[] = [];
  for (const raw of file.split(/\r\n|\n|\r/)) {
    const line = phpTrim(raw);
    if (phpEmpty(line)) {
      if (current.length > 0) questions.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) questions.push(current);
  return questions;
}

/** qformat_gift::escapedchar_pre (question/format/gift/format.php): escaped control characters become placeholders, \\ a backslash. */
export function escapedcharPre(text: string): string {
  const escapes: [string, string][] = [['\\:', '&&058;'], ['\\#', '&&035;'], ['\\=', '&&061;'], ['\\{', '&&123;'], ['\\}', '&&125;'], ['\\~', '&&126;'], ['\\n', '&&010']];
  let out = text.replaceAll('\\\\', '&&092;');
  for (const [escaped, placeholder] of escapes) out = out.replaceAll(escaped, placeholder);
  return out.replaceAll('&&092;', '\\');
}

/**
 * qformat_gift::readquestion up to the point where plugins get the answer text ($extra): comment lines
 * blanked, lines imploded with "\n", escapes replaced, ::name:: taken off, the answer text between the first
 * '{' and the first '}', trimmed, with the general feedback after the last '####' taken off.
 */
export function giftAnswerText(lines: string[]): { name: string | undefined; answerText: string } | undefined {
  const text0 = phpTrim(lines.map((line) => (phpTrim(line).startsWith('//') ? ' ' : line)).join('\n'));
  let text = escapedcharPre(text0);
  if (/^\$CATEGORY:/.test(text)) return undefined;
  let name: string | undefined;
  if (text.startsWith('::')) {
    text = text.slice(2);
    const end = text.indexOf('::');
    if (end >= 0) {
      name = text.slice(0, end);
      text = phpTrim(text.slice(end + 2));
    }
  }
  const start = text.indexOf('{');
  const finish = text.indexOf('}');
  if (start < 0 || finish < 0) return { name, answerText: '' };
  let answerText = phpTrim(text.slice(start + 1, finish));
  const feedback = answerText.lastIndexOf('####');
  if (feedback >= 0) answerText = phpTrim(answerText.slice(0, feedback));
  return { name, answerText };
}

/**
 * qtype_ordering::import_from_gift (moodle/moodle, question/type/ordering/questiontype.php, Moodle 4.4+):
 * its regular expression, alternatives and all (including 'RELATIVE|REL' . 'LONGEST_ORDERED_SUBSET|', which
 * glues two names together), then the items: the rest split on line breaks, trimmed, PHP-empty ones dropped.
 */
export function importOrdering(extra: string) {
  const selectcount = '\\d+';
  const selecttype = '(?:ALL|EXACT|' + 'RANDOM|REL|' + 'CONTIGUOUS|CONTIG)?';
  const layouttype = '(?:HORIZONTAL|HORI|H|1|' + 'VERTICAL|VERT|V|0)?';
  const gradingtype =
    '(?:ALL_OR_NOTHING|' +
    'ABSOLUTE_POSITION|' +
    'ABSOLUTE|ABS|' +
    'RELATIVE_NEXT_EXCLUDE_LAST|' +
    'RELATIVE_NEXT_INCLUDE_LAST|' +
    'RELATIVE_ONE_PREVIOUS_AND_NEXT|' +
    'RELATIVE_ALL_PREVIOUS_AND_NEXT|' +
    'RELATIVE_TO_CORRECT|' +
    'RELATIVE|REL' +
    'LONGEST_ORDERED_SUBSET|' +
    'LONGEST_CONTIGUOUS_SUBSET)?';
  const showgrading = '(?:SHOW|TRUE|YES|1|HIDE|FALSE|NO|0)?';
  const numberingstyle = '(?:none|123|abc|ABCD|iii|IIII)?';
  const search = new RegExp(
    '^\\s*>\\s*(' + selectcount + ')\\s*' + '(' + selecttype + ')\\s*' + '(' + layouttype + ')\\s*' + '(' + gradingtype + ')\\s*' + '(' + showgrading + ')\\s*' + '(' + numberingstyle + ')\\s*' + '(.*?)\\s*$',
    's',
  );
  if (extra === '') return undefined;
  const m = search.exec(extra);
  if (!m) return undefined;
  const items = m[7]!.split(/[\r\n]+/).filter((a) => !phpEmpty(a)).map(phpTrim).filter((a) => !phpEmpty(a));
  return { selectcount: m[1], selecttype: m[2], layouttype: m[3], gradingtype: m[4], showgrading: m[5], numberingstyle: m[6], items };
}

/** Each question of a GIFT file as Moodle reads it: its name and, if the ordering type takes it, the ordering. */
export function moodleImport(gift: string) {
  return readQuestions(gift).flatMap((lines) => {
    const read = giftAnswerText(lines);
    return read ? [{ name: read.name, answerText: read.answerText, ordering: importOrdering(read.answerText) }] : [];
  });
}

/** qformat_gift::escapedchar_post: the placeholders back to the characters they stand for. */
export function escapedcharPost(text: string): string {
  const placeholders: [string, string][] = [['&&058;', ':'], ['&&035;', '#'], ['&&061;', '='], ['&&123;', '{'], ['&&125;', '}'], ['&&126;', '~'], ['&&010', '\n']];
  let out = text;
  for (const [placeholder, character] of placeholders) out = out.replaceAll(placeholder, character);
  return out;
}

/**
 * The question type qformat_gift::readquestion gives an answer text no plugin took: description and essay
 * aside, '#' first is numerical, a '~' multichoice, '=' with '->' matching, T/TRUE/F/FALSE true-false,
 * anything else a short answer.
 */
export function giftBuiltinType(answerText: string): string {
  if (answerText === '') return 'essay';
  if (answerText.startsWith('#')) return 'numerical';
  if (answerText.includes('~')) return 'multichoice';
  if (answerText.includes('=') && answerText.includes('->')) return 'match';
  const head = answerText.indexOf('#') > 0 ? phpTrim(answerText.slice(0, answerText.indexOf('#'))) : answerText;
  return ['T', 'TRUE', 'F', 'FALSE'].includes(head) ? 'truefalse' : 'shortanswer';
}

/**
 * qformat_gift::readquestion, case 'shortanswer': the answer text split on '=', each answer trimmed, a
 * %weight% taken off, the feedback after the first '#' taken off (commentparser), and the text trimmed and
 * unescaped (parse_text_with_format, which also reads a leading [format]).
 */
export function giftShortAnswers(answerText: string): { answer: string; weight: number }[] {
  const answers = answerText.split('=');
  answers[0] = phpTrim(answers[0]!);
  if (phpEmpty(answers[0])) answers.shift();
  return answers.map((raw) => {
    let answer = phpTrim(raw);
    let weight = 1;
    const weighted = /^%-*([0-9]{1,2})\.?([0-9]*)%/.exec(answer);
    if (weighted) {
      const end = answer.indexOf('%', 1);
      weight = Number(answer.slice(1, end)) / 100;
      answer = answer.slice(end + 1);
    }
    let text = phpTrim(answer.split('#')[0]!);
    if (text.startsWith('[')) {
      const end = text.indexOf(']');
      if (['moodle', 'html', 'plain', 'markdown'].includes(text.slice(1, end))) text = text.slice(end + 1);
    }
    return { answer: phpTrim(escapedcharPost(text)), weight };
  });
}

/** qformat_gift's $giftanswerweightregex: a leading %N% (or %-N%, %N.M%) is an answer's weight. */
const GIFT_WEIGHT = /^%-*([0-9]{1,2})\.?([0-9]*)%/;

/** qformat_gift::answerweightparser: the weight between the first two '%', as a fraction; the answer after it. */
function answerWeightParser(answer: string): { weight: number; rest: string } {
  const body = answer.slice(1);
  const end = body.indexOf('%');
  return { weight: Number(body.slice(0, end)) / 100, rest: body.slice(end + 1) };
}

/**
 * qformat_gift::parse_text_with_format: a leading [moodle], [html], [plain] or [markdown] is the text's
 * format and is taken off (any other [name] stays, with the default format), then escapedchar_post and trim.
 */
export function parseTextWithFormat(text: string, defaultFormat = 'moodle'): { text: string; format: string } {
  let format = defaultFormat;
  let out = text;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    const name = text.slice(1, end);
    if (['moodle', 'html', 'plain', 'markdown'].includes(name)) {
      format = name;
      out = text.slice(end + 1);
    }
  }
  return { text: phpTrim(escapedcharPost(out)), format };
}

/** qformat_gift::commentparser: the answer before the first '#', its feedback after, each parse_text_with_format'ed. */
function commentParser(answer: string, format: string): { text: string; feedback: string } {
  const hash = answer.indexOf('#');
  const bits = hash < 0 ? [answer] : [answer.slice(0, hash), answer.slice(hash + 1)];
  return { text: parseTextWithFormat(phpTrim(bits[0]!), format).text, feedback: bits[1] === undefined ? '' : parseTextWithFormat(phpTrim(bits[1]), format).text };
}

/** PHP's explode on the answer text, then the first part trimmed and dropped when PHP-empty (each case of readquestion does this). */
function explodeAnswers(answerText: string, separator: string): string[] {
  const answers = answerText.split(separator);
  answers[0] = phpTrim(answers[0]!);
  if (phpEmpty(answers[0])) answers.shift();
  return answers;
}

/**
 * qformat_gift::readquestion, case 'multichoice': single when the answer text holds '='; '=' becomes '~=';
 * split on '~'; each answer trimmed, then weight 1 after '=', the %weight% if it has one, else 0; then
 * commentparser for its text and feedback (in the question text's format).
 */
export function giftMultichoice(answerText: string, format: string) {
  const single = answerText.includes('=');
  const answers = explodeAnswers(answerText.replaceAll('=', '~='), '~').map((raw) => {
    let answer = phpTrim(raw);
    let weight = 0;
    if (answer.startsWith('=')) {
      weight = 1;
      answer = answer.slice(1);
    } else if (GIFT_WEIGHT.test(answer)) {
      ({ weight, rest: answer } = answerWeightParser(answer));
    }
    return { ...commentParser(answer, format), weight };
  });
  return { single, answers };
}

/**
 * qformat_gift::readquestion, case 'match': split on '='; each pair trimmed and split at its first '->'
 * (strpos), the left side parse_text_with_format'ed in the question text's format, the right side
 * escapedchar_post'ed and trimmed. A pair without '->' is an import error (undefined here).
 */
export function giftMatch(answerText: string, format: string): { left: string; right: string }[] | undefined {
  const pairs = explodeAnswers(answerText, '=').map((raw) => {
    const answer = phpTrim(raw);
    const marker = answer.indexOf('->');
    if (marker < 0) return undefined;
    return { left: parseTextWithFormat(answer.slice(0, marker), format).text, right: phpTrim(escapedcharPost(answer.slice(marker + 2))) };
  });
  return pairs.every((p): p is { left: string; right: string } => p !== undefined) ? pairs : undefined;
}

/**
 * Each question of a GIFT file as Moodle's GIFT import makes it (qformat_gift::readquestion): a category,
 * or a question with its name, its question text's format (a leading [format] of the question text, which
 * parse_text_with_format reads), its type (the ordering plugin first, as try_importing_using_qtypes gives
 * plugins the first try, then the built-in rules) and, for the types kvlab writes as such, what it holds.
 */
export function moodleGiftQuestions(gift: string) {
  return readQuestions(gift).map((lines) => {
    const text = escapedcharPre(phpTrim(lines.map((line) => (phpTrim(line).startsWith('//') ? ' ' : line)).join('\n')));
    if (/^\$CATEGORY:/.test(text)) return { kind: 'category' as const, category: phpTrim(text.slice(10)) };
    const read = giftAnswerText(lines)!;
    const afterName = read.name === undefined ? text : phpTrim(text.slice(2 + read.name.length + 2));
    const format = parseTextWithFormat(afterName).format;
    const ordering = importOrdering(read.answerText);
    const type = ordering ? 'ordering' : giftBuiltinType(read.answerText);
    return {
      kind: 'question' as const,
      name: read.name === undefined ? undefined : escapedcharPost(read.name),
      format,
      type,
      answerText: read.answerText,
      ordering,
      shortAnswers: type === 'shortanswer' ? giftShortAnswers(read.answerText) : undefined,
      multichoice: type === 'multichoice' ? giftMultichoice(read.answerText, format) : undefined,
      match: type === 'match' ? giftMatch(read.answerText, format) : undefined,
    };
  });
}
