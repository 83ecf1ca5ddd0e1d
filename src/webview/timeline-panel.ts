// The skb timeline panel beside the graph: one step per skb operation on the path, with
// the head/data/tail/end bar of src/webview/timeline.ts. A step opens its line and
// highlights its function; the list's listeners are registered by src/webview/main.ts.

import type { GraphJson, SkbOp } from '../analysis/graph-json';
import { dom, el } from './dom';
import { flashNode, focusNode } from './interactions';
import { post, saveState, state } from './state';
import { computeTimeline, stepNote } from './timeline';
import type { SkbLayout, TimelineStep } from './timeline';

export function setTimelineOpen(open: boolean): void {
  dom.timelinePanel.hidden = !open;
  dom.timelineToggle.setAttribute('aria-pressed', String(open));
  dom.timelineToggle.classList.toggle('np-on', open);
  saveState();
}

export function renderTimeline(graph: GraphJson): void {
  const names = new Map(graph.nodes.map((n) => [n.id, n.name]));
  const steps = computeTimeline(graph.skb ?? [], (id) => names.get(id));
  state.steps = steps;
  dom.stepsList.replaceChildren(...steps.map(stepItem));
  if (steps.length === 0) setTimelineOpen(false);
}

function stepItem(step: TimelineStep): HTMLLIElement {
  const li = el('li', `np-step np-step-${step.kind}`);
  li.tabIndex = 0;
  li.dataset.node = step.op.node;
  li.dataset.step = String(step.index);
  const note = stepNote(step);
  // A step on a branch of a choice is indented by how many choices it depends on.
  if (step.choices.length > 0) {
    li.classList.add('np-step-alt');
    li.style.setProperty('--np-alt-depth', String(step.choices.length));
  }
  for (const text of step.heads) li.append(el('div', 'np-step-branch', text));
  const head = el('div', 'np-step-head');
  head.append(
    el('span', 'np-step-no', String(step.index + 1)),
    el('code', 'np-step-op', note.call),
  );
  // A call in the skb's life (allocated, cloned, freed...) rather than a header move.
  const life = step.op.life;
  if (life !== undefined) {
    li.classList.add('np-step-life', `np-life-${life}`);
    head.append(el('span', 'np-step-life-tag', LIFE_LABELS[life]));
  }
  li.append(head);
  const where = el('div', 'np-step-where');
  where.append(
    el('span', 'np-step-fn', step.caller ?? step.op.node),
    el('span', 'np-step-loc', ` · ${basename(step.op.file)}:${step.op.line}`),
  );
  where.title = `${step.op.file}:${step.op.line}`;
  li.append(where, bar(step));
  li.append(el('div', 'np-step-summary', note.changes));
  if (note.words) li.append(el('div', 'np-step-effect', note.words));
  return li;
}

/** What each call in the life of an skb is called on its step. */
const LIFE_LABELS: Readonly<Record<NonNullable<SkbOp['life']>, string>> = {
  alloc: 'allocated',
  'copy-in': 'user data copied in',
  clone: 'cloned',
  copy: 'copied',
  expand: 'head reallocated',
  'copy-out': 'copied to user memory',
  free: 'freed',
};

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The head/data/tail/end diagram of one step: the buffer after it, the bytes the step
 * moved over highlighted, the old pointer ghosted. `data`/`tail` are labelled above the
 * bar and `head`/`end` below, so labels never collide with the buffer's ends.
 */
function bar(step: TimelineStep): HTMLDivElement {
  const box = el('div', 'np-bar');
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', step.summary);
  const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;
  const seg = (cls: string, from: number, to: number): HTMLDivElement => {
    const s = el('div', cls);
    s.style.left = pct(from);
    s.style.width = pct(Math.max(0, to - from));
    return s;
  };
  const tick = (row: HTMLElement, name: string, at: number, cls: string): void => {
    const t = el('span', `np-tick ${cls}`, name);
    t.style.left = pct(at);
    row.append(t);
  };
  const a: SkbLayout = step.after;
  const b: SkbLayout = step.before;
  const dataMoved = step.moved.includes('data') && b.data !== a.data;
  const tailMoved = step.moved.includes('tail') && b.tail !== a.tail;

  const top = el('div', 'np-ticks np-ticks-top');
  if (a.tail - a.data < 0.12) {
    tick(
      top,
      a.tail === a.data ? 'data = tail' : 'data tail',
      (a.data + a.tail) / 2,
      dataMoved || tailMoved ? 'np-moved' : '',
    );
  } else {
    tick(top, 'data', a.data, dataMoved ? 'np-moved' : '');
    tick(top, 'tail', a.tail, tailMoved ? 'np-moved' : '');
  }
  const track = el('div', 'np-bar-track');
  track.append(
    seg('np-seg np-seg-head', a.head, a.data),
    seg('np-seg np-seg-data', a.data, a.tail),
    seg('np-seg np-seg-tail', a.tail, a.end),
  );
  if (dataMoved) track.append(seg('np-delta', Math.min(a.data, b.data), Math.max(a.data, b.data)));
  if (tailMoved) track.append(seg('np-delta', Math.min(a.tail, b.tail), Math.max(a.tail, b.tail)));
  for (const [moved, at] of [
    [dataMoved, b.data],
    [tailMoved, b.tail],
  ] as const) {
    if (!moved) continue;
    const ghost = el('div', 'np-ghost');
    ghost.style.left = pct(at);
    track.append(ghost);
  }
  const bottom = el('div', 'np-ticks np-ticks-bottom');
  tick(bottom, 'head', a.head, 'np-tick-head');
  tick(bottom, 'end', a.end, 'np-tick-end');
  box.append(top, track, bottom);
  return box;
}

/** The step whose list item holds `target`. */
function stepAt(target: EventTarget | null): TimelineStep | undefined {
  if (!(target instanceof Element)) return undefined;
  const li = target.closest<HTMLLIElement>('li.np-step');
  return li ? state.steps[Number(li.dataset.step)] : undefined;
}

/** Opens the step's line in the editor and shows its function in the graph. */
function openStep(step: TimelineStep): void {
  post({ type: 'openNode', nodeId: step.op.node, file: step.op.file, line: step.op.line });
  if (state.current?.drawn.has(step.op.node)) focusNode(step.op.node);
}

export function onStepClick(event: MouseEvent): void {
  const step = stepAt(event.target);
  if (step) openStep(step);
}

export function onStepKey(event: KeyboardEvent): void {
  if (event.key !== 'Enter' && event.key !== ' ') return;
  const step = stepAt(event.target);
  if (!step) return;
  event.preventDefault();
  openStep(step);
}

/** Highlights the function of the step under the pointer (none when it is over no step). */
export function onStepHover(event: MouseEvent): void {
  const node = stepAt(event.target)?.op.node;
  if (node === state.flashed) return;
  if (state.flashed !== undefined) flashNode(state.flashed, false);
  state.flashed = node;
  if (node !== undefined) flashNode(node, true);
}

export function onStepsLeave(): void {
  if (state.flashed !== undefined) flashNode(state.flashed, false);
  state.flashed = undefined;
}
