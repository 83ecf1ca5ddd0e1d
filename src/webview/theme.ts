// Mermaid theme variables from the VS Code theme. Mermaid computes shades from its
// colours and throws "Unsupported color format" on `var(--vscode-...)` or `color-mix()`,
// so we read the computed CSS variables and pass literal colours, with fallbacks for
// each theme kind. Pure: the DOM read is a function passed in.

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

/** The theme kind from the body's classes (VS Code sets `vscode-light`, `vscode-dark`, `vscode-high-contrast`, `vscode-high-contrast-light`). */
export function themeKind(classList: Iterable<string>): ThemeKind {
  const classes = new Set(classList);
  if (classes.has('vscode-high-contrast-light')) return 'high-contrast-light';
  if (classes.has('vscode-high-contrast')) return 'high-contrast';
  if (classes.has('vscode-light')) return 'light';
  return 'dark';
}

function hex2(n: number): string {
  return Math.round(Math.min(255, Math.max(0, n)))
    .toString(16)
    .padStart(2, '0');
}

/**
 * A colour Mermaid accepts (`#rrggbb`, or `rgba(...)` when translucent), or `undefined`
 * when `value` is not a literal colour (empty, `var(...)`, `color-mix(...)`, a name).
 */
export function normaliseColour(value: string | undefined): string | undefined {
  const v = (value ?? '').trim().toLowerCase();
  let m = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(v);
  if (m?.[1]) {
    let h = m[1];
    if (h.length <= 4) h = Array.from(h, (c) => c + c).join('');
    const rgb = `#${h.slice(0, 6)}`;
    if (h.length === 8) {
      const alpha = parseInt(h.slice(6, 8), 16) / 255;
      if (alpha >= 0.999) return rgb;
      const r = parseInt(h.slice(0, 2), 16);
      const g = parseInt(h.slice(2, 4), 16);
      const b = parseInt(h.slice(4, 6), 16);
      return `rgba(${r}, ${g}, ${b}, ${Math.round(alpha * 1000) / 1000})`;
    }
    return rgb;
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(v);
  if (m?.[1] && m[2] && m[3]) {
    const [r, g, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (![r, g, b].every(Number.isFinite)) return undefined;
    let alpha = 1;
    if (m[4]) alpha = m[4].endsWith('%') ? Number(m[4].slice(0, -1)) / 100 : Number(m[4]);
    if (!Number.isFinite(alpha)) return undefined;
    if (alpha >= 0.999) return `#${hex2(r)}${hex2(g)}${hex2(b)}`;
    return `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${Math.round(alpha * 1000) / 1000})`;
  }
  return undefined;
}

/** An opaque `#rrggbb` blend of `a` over `b` (`amount` of `a`); both must be `#rrggbb`. */
export function mix(a: string, b: string, amount: number): string {
  const pa = /^#([0-9a-f]{6})$/i.exec(a)?.[1];
  const pb = /^#([0-9a-f]{6})$/i.exec(b)?.[1];
  if (!pa || !pb) return a;
  let out = '#';
  for (let i = 0; i < 6; i += 2) {
    const x = parseInt(pa.slice(i, i + 2), 16);
    const y = parseInt(pb.slice(i, i + 2), 16);
    out += hex2(x * amount + y * (1 - amount));
  }
  return out;
}

const FALLBACK: Record<
  ThemeKind,
  { bg: string; fg: string; muted: string; border: string; widget: string; accent: string }
> = {
  light: {
    bg: '#ffffff',
    fg: '#1f1f1f',
    muted: '#616161',
    border: '#d4d4d4',
    widget: '#f3f3f3',
    accent: '#005fb8',
  },
  dark: {
    bg: '#1f1f1f',
    fg: '#cccccc',
    muted: '#9d9d9d',
    border: '#3c3c3c',
    widget: '#252526',
    accent: '#4daafc',
  },
  'high-contrast': {
    bg: '#000000',
    fg: '#ffffff',
    muted: '#ffffff',
    border: '#6fc3df',
    widget: '#0c141f',
    accent: '#f38518',
  },
  'high-contrast-light': {
    bg: '#ffffff',
    fg: '#292929',
    muted: '#292929',
    border: '#0f4a85',
    widget: '#ffffff',
    accent: '#006bbd',
  },
};

/** Mermaid `themeVariables` (theme `base`) from the VS Code theme; `read` returns a CSS variable's computed value. */
export function mermaidThemeVariables(
  read: (name: string) => string,
  kind: ThemeKind,
): Record<string, string | boolean> {
  const fb = FALLBACK[kind];
  const opaque = (name: string, fallback: string): string => {
    const c = normaliseColour(read(name));
    return c && c.startsWith('#') ? c : fallback;
  };
  const bg = opaque('--vscode-editor-background', fb.bg);
  const fg = opaque('--vscode-editor-foreground', fb.fg);
  const muted = opaque('--vscode-descriptionForeground', fb.muted);
  const border = opaque('--vscode-editorWidget-border', opaque('--vscode-panel-border', fb.border));
  const accent = opaque('--vscode-focusBorder', fb.accent);
  const highContrast = kind === 'high-contrast' || kind === 'high-contrast-light';
  const dark = kind === 'dark' || kind === 'high-contrast';
  // Lanes: a faint tint of the foreground over the background, so they read as bands.
  const lane = highContrast ? bg : mix(fg, bg, dark ? 0.045 : 0.035);
  const laneBorder = highContrast ? border : mix(fg, bg, dark ? 0.16 : 0.14);
  const node = highContrast ? bg : mix(fg, bg, dark ? 0.09 : 0.02);
  const font =
    read('--vscode-font-family').trim() ||
    'system-ui, -apple-system, "Segoe UI", Ubuntu, sans-serif';
  return {
    darkMode: dark,
    background: bg,
    fontFamily: font,
    fontSize: '13px',
    primaryColor: node,
    primaryTextColor: fg,
    primaryBorderColor: highContrast ? border : mix(fg, bg, 0.35),
    secondaryColor: lane,
    tertiaryColor: lane,
    mainBkg: node,
    nodeBorder: highContrast ? border : mix(fg, bg, 0.35),
    nodeTextColor: fg,
    textColor: fg,
    lineColor: highContrast ? fg : mix(fg, bg, 0.55),
    clusterBkg: lane,
    clusterBorder: laneBorder,
    titleColor: muted,
    edgeLabelBackground: bg,
    noteBkgColor: node,
    noteTextColor: fg,
    errorBkgColor: bg,
    errorTextColor: fg,
    // Used by Mermaid for focus outlines in some looks.
    tertiaryBorderColor: accent,
  };
}
