/**
 * Two-dimensional test surfaces for lesson 07's optimizer race, in float64 (pure functions): each
 * has its value, its gradient, its Hessian, a default start, where its minimum is and the range
 * its contour plot shows.
 *
 * | name | f(x, y) | minimum | start |
 * |---|---|---|---|
 * | `quadratic` | ½(u² + κ·v²), (u, v) = (x, y) turned by `rotation` degrees | (0, 0), f = 0 | (−4, 2) |
 * | `saddle` | ½x² − ½y² + ¼y⁴ | (0, ±1), f = −¼; a saddle at (0, 0) | (2, 10⁻³) |
 * | `local-min` | (x² − 1)² + 0.3·x + y² | global (−1.036, 0), f = −0.305; local (0.960, 0), f = 0.294 | (2, 1.5) |
 * | `noisy` | the quadratic, each gradient + σ·N(0, 1) per coordinate (a mini-batch's noise) | (0, 0) | (−4, 2) |
 * | `rosenbrock` | (1 − x)² + 100·(y − x²)² | (1, 1), f = 0 | (−1.5, 2) |
 *
 * The saddle's start sits 10⁻³ off the ridge: at y = 0 exactly the gradient has no y part and no
 * first-order method can leave (a real net's saddles are not that exact).
 *
 * @example
 * const s = nn.optimizers.surface('quadratic', { kappa: 10 });
 * s.value([1, 1])      // 5.5
 * s.gradient([1, 1])   // [1, 10]
 */
import { ArgumentError, checkNumber, checkOneOf } from '../../core/errors';

/** The surfaces by name. */
export const SURFACES = ['quadratic', 'saddle', 'local-min', 'noisy', 'rosenbrock'] as const;
export type SurfaceName = typeof SURFACES[number];

/** A 2-D point [x, y]. */
export type Point = [number, number];

/** One surface with its parameters bound. */
export interface Surface {
  name: SurfaceName;
  /** The formula in words, for titles and the CLI. */
  formula: string;
  value(p: readonly number[]): number;
  /** The exact gradient (the noisy surface's noise is added by the race, not here). */
  gradient(p: readonly number[]): Point;
  /** The Hessian [[fxx, fxy], [fxy, fyy]]. */
  hessian(p: readonly number[]): [Point, Point];
  start: Point;
  /** The global minimum. */
  minimum: Point;
  /** Other local minima (the local-min surface's trap, the saddle's mirror minimum). */
  otherMinima: Point[];
  /** Where the contour plot looks. */
  range: { x: Point; y: Point };
  /** Gaussian noise σ added to every gradient coordinate (0 but for `noisy`). */
  noise: number;
}

/** Parameters of the surfaces: κ and the rotation of the quadratic, the noise σ of `noisy`. */
export interface SurfaceParams { kappa?: number; rotation?: number; noise?: number }

/** Defaults of the surfaces' parameters: κ = 25, no rotation, noise σ = 2 on `noisy`. */
export const SURFACE_DEFAULTS = { kappa: 25, rotation: 0, noise: 2 } as const;

/** The local-min surface's tilt: (x² − 1)² + TILT·x + y². */
const TILT = 0.3;

/** A root of 4x(x² − 1) + TILT = 0 near x0 (Newton's method in 1-D, to float precision). */
function wellRoot(x0: number): number {
  let x = x0;
  for (let i = 0; i < 50; i++) x -= (4 * x * (x * x - 1) + TILT) / (12 * x * x - 4);
  return x;
}

function quadratic(name: SurfaceName, kappa: number, rotation: number, noise: number): Surface {
  const a = (rotation * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  // u = c·x + s·y, v = −s·x + c·y; f = ½(u² + κv²); H = Rᵀ diag(1, κ) R
  const hxx = c * c + kappa * s * s;
  const hxy = c * s - kappa * s * c;
  const hyy = s * s + kappa * c * c;
  return {
    name, noise,
    formula: rotation === 0 ? `½(x² + ${kappa}·y²)` : `½(u² + ${kappa}·v²), axes turned ${rotation}°`,
    value: ([x, y]) => 0.5 * (hxx * x * x + 2 * hxy * x * y + hyy * y * y),
    gradient: ([x, y]) => [hxx * x + hxy * y, hxy * x + hyy * y],
    hessian: () => [[hxx, hxy], [hxy, hyy]],
    start: [-4, 2], minimum: [0, 0], otherMinima: [], range: { x: [-5, 5], y: [-3, 3] },
  };
}

/**
 * Surface `name` with its parameters (κ ≥ 1 and the rotation in degrees for `quadratic` and
 * `noisy`, the noise σ ≥ 0 for `noisy`). An unknown name or a bad parameter is an ArgumentError.
 *
 * @example
 * nn.optimizers.surface('saddle').gradient([0, 0])        // [0, 0]: a stationary point, not a minimum
 * nn.optimizers.surface('local-min').minimum              // [-1.036..., 0]
 * nn.optimizers.surface('noisy', { noise: 0.5 }).noise    // 0.5
 */
export function surface(name: string, params: SurfaceParams = {}): Surface {
  const which = checkOneOf('surface', name, SURFACES);
  const kappa = checkNumber('kappa', params.kappa ?? SURFACE_DEFAULTS.kappa, { min: 1, max: 1e4 });
  const rotation = checkNumber('rotation', params.rotation ?? SURFACE_DEFAULTS.rotation, { min: -180, max: 180 });
  const noise = checkNumber('noise', params.noise ?? (which === 'noisy' ? SURFACE_DEFAULTS.noise : 0), { min: 0, max: 100 });
  switch (which) {
    case 'quadratic':
    case 'noisy':
      return quadratic(which, kappa, rotation, which === 'noisy' ? noise : 0);
    case 'saddle':
      return {
        name: which, noise: 0, formula: '½x² − ½y² + ¼y⁴',
        value: ([x, y]) => 0.5 * x * x - 0.5 * y * y + 0.25 * y ** 4,
        gradient: ([x, y]) => [x, -y + y ** 3],
        hessian: ([, y]) => [[1, 0], [0, -1 + 3 * y * y]],
        start: [2, 1e-3], minimum: [0, 1], otherMinima: [[0, -1]], range: { x: [-2.5, 2.5], y: [-1.6, 1.6] },
      };
    case 'local-min': {
      const global = wellRoot(-1);
      const local = wellRoot(1);
      return {
        name: which, noise: 0, formula: `(x² − 1)² + ${TILT}·x + y²`,
        value: ([x, y]) => (x * x - 1) ** 2 + TILT * x + y * y,
        gradient: ([x, y]) => [4 * x * (x * x - 1) + TILT, 2 * y],
        hessian: ([x]) => [[12 * x * x - 4, 0], [0, 2]],
        start: [2, 1.5], minimum: [global, 0], otherMinima: [[local, 0]], range: { x: [-2, 2.3], y: [-1.8, 1.8] },
      };
    }
    case 'rosenbrock':
      return {
        name: which, noise: 0, formula: '(1 − x)² + 100·(y − x²)²',
        value: ([x, y]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
        gradient: ([x, y]) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
        hessian: ([x, y]) => [[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200]],
        start: [-1.5, 2], minimum: [1, 1], otherMinima: [], range: { x: [-2, 2], y: [-1, 3] },
      };
    default:
      throw new ArgumentError('surface', name, SURFACES.join(', '));
  }
}

/**
 * The surface on an n × n grid over its range, for a contour plot: z[i][j] = f(x[j], y[i]).
 *
 * @example
 * const g = nn.optimizers.surfaceGrid(nn.optimizers.surface('saddle'), 41);
 * [g.x.length, g.z.length]   // [41, 41]
 */
export function surfaceGrid(s: Surface, n = 61): { x: number[]; y: number[]; z: number[][] } {
  const axis = ([lo, hi]: Point) => Array.from({ length: n }, (_, k) => lo + ((hi - lo) * k) / (n - 1));
  const x = axis(s.range.x);
  const y = axis(s.range.y);
  return { x, y, z: y.map((yi) => x.map((xj) => s.value([xj, yi]))) };
}
