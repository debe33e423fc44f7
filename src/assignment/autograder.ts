/**
 * The Gradescope autograder archive: `setup.sh` (run once when Gradescope builds its image: Node and
 * kvlab), `run_autograder` (run for every submission: grades the one .ipynb anywhere under
 * /autograder/submission into /autograder/results/results.json) and the assignment's source folder
 * (manifest, notebooks, private banks: the archive stays on Gradescope's side, students never see it).
 * Gradescope unpacks the archive into /autograder/source.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { AssignmentSource } from './manifest.js';

/** Node's minimum for kvlab (package.json engines). */
const NODE_MAJOR = 20;

export function setupScript(kvlabSpec: string): string {
  return `#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# Node from the distribution's packages; if that Node is older than kvlab needs, Node ${NODE_MAJOR} from npm.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y nodejs npm
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt ${NODE_MAJOR} ]; then
  npm install -g node@${NODE_MAJOR}
  hash -r
fi
cd /autograder/source
npm install -g ${kvlabSpec}
kvlab lint assignment
`;
}

export const RUN_AUTOGRADER = `#!/usr/bin/env bash
# Gradescope runs this for every submission. It reads the student's notebook in submission/ as data
# (nothing in it is executed) and writes results/results.json.
# KVLAB_AUTOGRADER_ROOT replaces /autograder (for testing); KVLAB_BIN replaces the kvlab command.
set -u
ROOT="\${KVLAB_AUTOGRADER_ROOT:-/autograder}"
KVLAB="\${KVLAB_BIN:-kvlab}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
# Notebooks anywhere under submission/: a student may upload a zipped folder (submission/hw1/s1001.ipynb).
# Hidden files and folders (.ipynb_checkpoints' copies, macOS's ._ files) and __MACOSX are skipped: they are
# not what the student meant to hand in, and would count as a second notebook.
notebooks=()
if [ -d "$ROOT/submission" ]; then
  mapfile -d '' notebooks < <(cd "$ROOT/submission" && find . \\( -name '.?*' -o -name __MACOSX \\) -prune -o -type f -name '*.ipynb' -print0 | LC_ALL=C sort -z)
fi
if [ \${#notebooks[@]} -eq 0 ]; then
  printf '%s\\n' '{"score":0,"output":"No notebook (.ipynb) was handed in: upload your saved notebook.","visibility":"visible","tests":[]}' > "$RESULTS"
  exit 0
fi
# Gradescope grades one student's upload: scoring one of several notebooks would hide the others, so the
# student is told to upload exactly one (names JSON-escaped: control characters dropped, \\ and " escaped).
if [ \${#notebooks[@]} -gt 1 ]; then
  names=""
  for nb in "\${notebooks[@]}"; do
    name=$(printf '%s' "\${nb#./}" | tr -d '\\000-\\037' | sed 's/[\\\\"]/\\\\&/g')
    names="$names\${names:+, }$name"
  done
  printf '{"score":0,"output":"Your upload holds %s notebooks (%s); the autograder grades one. Upload exactly one notebook (.ipynb) and submit again.","visibility":"visible","tests":[]}\\n' "\${#notebooks[@]}" "$names" > "$RESULTS"
  exit 0
fi
$KVLAB grade --assignment "$ROOT/source/assignment" --format gradescope --out "$RESULTS" "$ROOT/submission/\${notebooks[0]#./}"
status=$?
if [ ! -s "$RESULTS" ]; then
  printf '%s\\n' "{\\"score\\":0,\\"output\\":\\"The autograder failed (kvlab exit $status); tell your instructor.\\",\\"visibility\\":\\"visible\\",\\"tests\\":[]}" > "$RESULTS"
fi
exit 0
`;

function addFolder(files: Zippable, dir: string, prefix: string): void {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) addFolder(files, path, `${prefix}${name}/`);
    else files[`${prefix}${name}`] = readFileSync(path);
  }
}

const EXECUTABLE = { os: 3, attrs: 0o100755 << 16 };

/**
 * The archive's bytes. `kvlab` is what setup.sh installs: an npm spec (`kvlab@0.1.0`), or a path to a
 * tarball from `npm pack`, which is put in the archive and installed from there.
 */
export function autograderZip(source: AssignmentSource, kvlab: { spec: string } | { tarball: string }): Uint8Array {
  const files: Zippable = {};
  let spec: string;
  if ('tarball' in kvlab) {
    const name = basename(kvlab.tarball);
    files[name] = readFileSync(kvlab.tarball);
    spec = `./${name}`;
  } else {
    spec = kvlab.spec;
  }
  files['setup.sh'] = [strToU8(setupScript(spec)), EXECUTABLE];
  files['run_autograder'] = [strToU8(RUN_AUTOGRADER), EXECUTABLE];
  addFolder(files, source.dir, 'assignment/');
  // A fixed date: the same source gives the same archive.
  return zipSync(files, { mtime: new Date('2026-01-01T00:00:00Z') });
}

