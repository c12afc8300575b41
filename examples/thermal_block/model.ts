/**
 * The full-order thermal block model: −∇·(μ(x)∇u) = 1 on the unit square, u = 0 on the
 * boundary, μ piecewise constant on B×B blocks.
 *
 * The discretization is P1 finite elements on a uniform grid of `grid × grid` square cells,
 * each cut into two right triangles. On this mesh the stiffness matrix is the 5-point stencil:
 * every cell gives each of its four edges the weight μ_cell / 2, so an edge between two cells
 * carries the mean of their coefficients. The matrix is affine in the parameter,
 * A(μ) = Σ_q μ_q A_q, where A_q collects the cells of block q. All parts share one 5-point
 * sparsity pattern, so A(μ) is a weighted sum of value arrays.
 *
 * @module
 */

/** A square sparse matrix in compressed sparse row form. */
export interface CsrMatrix {
  /** Number of rows (and columns). */
  n: number;
  /** Row start offsets into `colIdx` and `values`, length `n + 1`. */
  rowPtr: Int32Array;
  /** Column index of each stored entry, sorted within each row. */
  colIdx: Int32Array;
  /** Value of each stored entry. */
  values: Float64Array;
}

/** The affine full-order model. Plain data, so it can be pushed to workers. */
export interface ThermalBlockModel {
  /** Cells per side; the mesh width is `1 / grid`. */
  grid: number;
  /** Blocks per side; there are `blocks * blocks` parameters. */
  blocks: number;
  /** Number of unknowns, `(grid - 1) ** 2` interior nodes. */
  size: number;
  /** Affine parts A_q, numbered `q = by * blocks + bx` (bx, by from the lower left). */
  parts: CsrMatrix[];
  /** Inner-product matrix X = A(μ_ref) = Σ_q A_q, the energy product at μ_ref = (1, …, 1). */
  product: CsrMatrix;
  /** Load vector of f = 1: the integral of each hat function, h². */
  rhs: Float64Array;
}

/** Options for {@linkcode buildModel}. */
export interface ModelOptions {
  /** Cells per side (default 100). */
  grid?: number;
  /** Blocks per side (default 2). */
  blocks?: number;
}

/**
 * Assembles the affine thermal block model.
 *
 * @param options Grid and block counts.
 * @returns The model, with parts A_q on a shared 5-point pattern.
 * @throws {RangeError} If `grid` is not an integer ≥ 2 or `blocks` not in [1, grid].
 * @example
 * ```ts
 * const model = buildModel({ grid: 20, blocks: 2 });
 * model.parts.length; // 4
 * ```
 */
export function buildModel(options: ModelOptions = {}): ThermalBlockModel {
  const grid = options.grid ?? 100;
  const blocks = options.blocks ?? 2;
  if (!Number.isInteger(grid) || grid < 2) {
    throw new RangeError(`'grid' must be an integer >= 2, got ${grid}`);
  }
  if (!Number.isInteger(blocks) || blocks < 1 || blocks > grid) {
    throw new RangeError(`'blocks' must be an integer in [1, grid], got ${blocks}`);
  }
  const m = grid - 1;
  const size = m * m;
  const { rowPtr, colIdx } = fivePointPattern(m);
  const numParts = blocks * blocks;
  const partValues = Array.from({ length: numParts }, () => new Float64Array(colIdx.length));

  // Interior node (i, j), 1 <= i, j <= m, is unknown (j - 1) * m + (i - 1); others are -1.
  const unknown = (i: number, j: number): number =>
    i >= 1 && i <= m && j >= 1 && j <= m ? (j - 1) * m + (i - 1) : -1;
  const addEdge = (values: Float64Array, a: number, b: number, w: number): void => {
    if (a >= 0) values[entry(rowPtr, colIdx, a, a)] += w;
    if (b >= 0) values[entry(rowPtr, colIdx, b, b)] += w;
    if (a >= 0 && b >= 0) {
      values[entry(rowPtr, colIdx, a, b)] -= w;
      values[entry(rowPtr, colIdx, b, a)] -= w;
    }
  };
  for (let cj = 0; cj < grid; cj++) {
    for (let ci = 0; ci < grid; ci++) {
      const q = blockOf(cj, grid, blocks) * blocks + blockOf(ci, grid, blocks);
      const values = partValues[q];
      const sw = unknown(ci, cj), se = unknown(ci + 1, cj);
      const nw = unknown(ci, cj + 1), ne = unknown(ci + 1, cj + 1);
      addEdge(values, sw, se, 0.5);
      addEdge(values, nw, ne, 0.5);
      addEdge(values, sw, nw, 0.5);
      addEdge(values, se, ne, 0.5);
    }
  }
  const parts = partValues.map((values) => ({ n: size, rowPtr, colIdx, values }));
  const product = {
    n: size,
    rowPtr,
    colIdx,
    values: affineValues(parts, new Array(numParts).fill(1)),
  };
  const h = 1 / grid;
  const rhs = new Float64Array(size).fill(h * h);
  return { grid, blocks, size, parts, product, rhs };
}

/**
 * Assembles A(μ) = Σ_q μ_q A_q on the shared pattern, summing in part order.
 *
 * @param model The model.
 * @param mu One coefficient per block.
 * @returns The system matrix for `mu`.
 * @throws {RangeError} If `mu` has the wrong length.
 */
export function assembleOperator(model: ThermalBlockModel, mu: ArrayLike<number>): CsrMatrix {
  if (mu.length !== model.parts.length) {
    throw new RangeError(`'mu' must have ${model.parts.length} entries, got ${mu.length}`);
  }
  const { n, rowPtr, colIdx } = model.product;
  return { n, rowPtr, colIdx, values: affineValues(model.parts, mu) };
}

/**
 * Coordinates of unknown `k`.
 *
 * @param model The model.
 * @param k Unknown index in `[0, size)`.
 * @returns The node's `[x, y]` in the unit square.
 */
export function nodeCoordinates(model: ThermalBlockModel, k: number): [number, number] {
  const m = model.grid - 1;
  const h = 1 / model.grid;
  return [((k % m) + 1) * h, (Math.floor(k / m) + 1) * h];
}

function affineValues(parts: CsrMatrix[], mu: ArrayLike<number>): Float64Array {
  const out = new Float64Array(parts[0].values.length);
  for (let q = 0; q < parts.length; q++) {
    const v = parts[q].values;
    const c = mu[q];
    for (let k = 0; k < out.length; k++) out[k] += c * v[k];
  }
  return out;
}

/** Block index (0 … blocks - 1) of cell `c` along one axis. */
function blockOf(c: number, grid: number, blocks: number): number {
  return Math.floor((c * blocks) / grid);
}

/** The 5-point pattern on an m×m interior grid, columns sorted within rows. */
function fivePointPattern(m: number): { rowPtr: Int32Array; colIdx: Int32Array } {
  const size = m * m;
  const rowPtr = new Int32Array(size + 1);
  const cols: number[] = [];
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < m; i++) {
      const k = j * m + i;
      if (j > 0) cols.push(k - m);
      if (i > 0) cols.push(k - 1);
      cols.push(k);
      if (i < m - 1) cols.push(k + 1);
      if (j < m - 1) cols.push(k + m);
      rowPtr[k + 1] = cols.length;
    }
  }
  return { rowPtr, colIdx: Int32Array.from(cols) };
}

/** Position of entry (row, col) in the pattern. */
function entry(rowPtr: Int32Array, colIdx: Int32Array, row: number, col: number): number {
  for (let p = rowPtr[row]; p < rowPtr[row + 1]; p++) {
    if (colIdx[p] === col) return p;
  }
  throw new RangeError(`entry (${row}, ${col}) is not in the pattern`);
}
