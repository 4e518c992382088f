/**
 * A unified line diff (`--- old`, `+++ new`, `@@ -a,b +c,d @@` hunks with three lines of
 * context), for `xvc trace rebase` to show what a rebase changes in a golden. The edit script
 * is a shortest one, found with Myers' O(ND) greedy algorithm (Myers 1986, "An O(ND)
 * Difference Algorithm and Its Variations"), written here from the paper.
 *
 * Models no hardware.
 */

type Edit = { kind: 'same' | 'del' | 'add'; line: string };

/** A shortest edit script from `a` to `b`. */
function editScript(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max;
  let v: Int32Array = new Int32Array(2 * max + 2);
  // One copy of V per D: enough to walk the path back from the end.
  const history: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    history.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!);
      let x = down ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    v = history[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = v[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) edits.push({ kind: 'same', line: a[--x]! }), y--;
    if (down) edits.push({ kind: 'add', line: b[--y]! });
    else edits.push({ kind: 'del', line: a[--x]! });
  }
  while (x > 0 && y > 0) edits.push({ kind: 'same', line: a[--x]! }), y--;
  return edits.reverse();
}

/** The unified diff of two texts, or '' when they are equal. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  const split = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));
  const edits = editScript(split(oldText), split(newText));
  if (edits.every((e) => e.kind === 'same')) return '';
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  // Old and new line numbers (1-based) of each edit.
  const positions: Array<{ oldLine: number; newLine: number }> = [];
  let oldLine = 1;
  let newLine = 1;
  for (const edit of edits) {
    positions.push({ oldLine, newLine });
    if (edit.kind !== 'add') oldLine++;
    if (edit.kind !== 'del') newLine++;
  }
  let index = 0;
  while (index < edits.length) {
    if (edits[index]!.kind === 'same') {
      index++;
      continue;
    }
    const start = Math.max(0, index - context);
    let end = index;
    // Extend while the next change is within 2*context unchanged lines.
    for (;;) {
      while (end < edits.length && edits[end]!.kind !== 'same') end++;
      let gap = end;
      while (gap < edits.length && edits[gap]!.kind === 'same') gap++;
      if (gap < edits.length && gap - end <= 2 * context) end = gap;
      else break;
    }
    const stop = Math.min(edits.length, end + context);
    const hunk = edits.slice(start, stop);
    const oldCount = hunk.filter((e) => e.kind !== 'add').length;
    const newCount = hunk.filter((e) => e.kind !== 'del').length;
    const first = positions[start]!;
    out.push(`@@ -${oldCount === 0 ? first.oldLine - 1 : first.oldLine},${oldCount} +${newCount === 0 ? first.newLine - 1 : first.newLine},${newCount} @@`);
    for (const edit of hunk) out.push(`${edit.kind === 'same' ? ' ' : edit.kind === 'del' ? '-' : '+'}${edit.line}`);
    index = stop;
  }
  return `${out.join('\n')}\n`;
}
