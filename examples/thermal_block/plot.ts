/**
 * An SVG chart of the greedy's error decay: largest estimate over the training set against
 * basis size, on a logarithmic axis, with the tolerance and the validation error.
 *
 * @module
 */

/** What {@linkcode errorDecaySvg} draws. */
export interface DecayData {
  /** Largest training-set estimate for basis sizes 0, 1, …, N. */
  maxEstimates: number[];
  /** The greedy tolerance (dashed line). */
  tol: number;
  /** Largest true error on the test set with the final basis (marker), if known. */
  validationMaxError?: number;
  /** Chart title. */
  title?: string;
}

const W = 640, H = 400;
const M = { left: 72, right: 24, top: 44, bottom: 52 };

/**
 * Renders the error decay as a standalone SVG document.
 *
 * @param data Estimates per basis size, tolerance, validation error.
 * @returns SVG text.
 * @throws {RangeError} If there are no estimates.
 */
export function errorDecaySvg(data: DecayData): string {
  const { maxEstimates, tol } = data;
  if (maxEstimates.length === 0) throw new RangeError("'maxEstimates' must not be empty");
  const positive = [...maxEstimates, tol, data.validationMaxError ?? NaN].filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(...positive)));
  const hi = Math.max(Math.ceil(Math.log10(Math.max(...positive))), lo + 1);
  const xMax = Math.max(maxEstimates.length - 1, 1);
  const px = (n: number): number => M.left + (n / xMax) * (W - M.left - M.right);
  const py = (v: number): number => {
    const t = (Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo);
    return H - M.bottom - t * (H - M.top - M.bottom);
  };
  const f = (v: number): string => v.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"` +
    ` font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="15">${
      escape(data.title ?? "Reduced basis greedy: error decay")
    }</text>`,
  ];
  for (let e = lo; e <= hi; e++) {
    const y = f(py(10 ** e));
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${M.left - 8}" y="${y}" dy="4" text-anchor="end">1e${e}</text>`,
    );
  }
  const xStep = Math.max(1, Math.ceil(xMax / 10));
  for (let n = 0; n <= xMax; n += xStep) {
    out.push(
      `<text x="${f(px(n))}" y="${H - M.bottom + 18}" text-anchor="middle">${n}</text>`,
    );
  }
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}"` +
      ` height="${H - M.top - M.bottom}" fill="none" stroke="#333"/>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${
      H - 12
    }" text-anchor="middle">basis size N</text>`,
    `<text transform="translate(18 ${(M.top + H - M.bottom) / 2}) rotate(-90)"` +
      ` text-anchor="middle">error (X-norm)</text>`,
    `<line x1="${M.left}" x2="${W - M.right}" y1="${f(py(tol))}" y2="${f(py(tol))}"` +
      ` stroke="#c33" stroke-dasharray="6 4"/>`,
  );
  const points = maxEstimates.map((v, n) => `${f(px(n))},${f(py(v))}`);
  out.push(
    `<polyline points="${points.join(" ")}" fill="none" stroke="#1f5fbf" stroke-width="2"/>`,
  );
  for (const p of points) {
    const [x, y] = p.split(",");
    out.push(`<circle cx="${x}" cy="${y}" r="3" fill="#1f5fbf"/>`);
  }
  const legend: [string, string][] = [
    ["#1f5fbf", "max estimate over training set"],
    ["#c33", `tolerance ${tol.toExponential(0)}`],
  ];
  if (data.validationMaxError !== undefined && data.validationMaxError > 0) {
    const x = f(px(maxEstimates.length - 1)), y = f(py(data.validationMaxError));
    out.push(`<path d="M${x} ${y}m-6 0l6 -6l6 6l-6 6z" fill="#e08a00"/>`);
    legend.push(["#e08a00", "max true error on test set"]);
  }
  legend.forEach(([color, label], i) => {
    const y = M.top + 16 + i * 18;
    out.push(
      `<rect x="${W - M.right - 220}" y="${y - 9}" width="12" height="12" fill="${color}"/>`,
      `<text x="${W - M.right - 202}" y="${y + 1}">${escape(label)}</text>`,
    );
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
