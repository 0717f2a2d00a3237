import {
  useMemo,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import type { RdRendition } from '../../../../shared/analysis';
import { formatBitsPerSecond } from '../../../../shared/format';
import type { Crossover } from '../../../../shared/rd';
import { presetText } from '../../../../shared/rungText';
import { useElementWidth } from '../../hooks/useElementWidth';
import {
  bitrateDomain,
  crossoverText,
  linearTicks,
  logTicks,
  makeScale,
  nearestPoint,
  polylinePath,
  qualityDomain,
  type AxisKind,
  type ScreenPoint,
} from '../../model/analysis/rdChartModel';
import type { RenditionPoint } from '../../model/analysis/rdCurves';

/** A rendition on the chart: what it reads of a curve's point. */
type ChartPoint = Pick<RenditionPoint, 'bitrate' | 'quality' | 'rendition'>;

/** One curve as drawn: its points by bitrate ascending, a colour and a legend label. */
export interface ChartCurve {
  key: string;
  label: string;
  color: string;
  points: readonly ChartPoint[];
  /** The line through the curve (its points, or their hull for a grid); empty draws none. */
  line: readonly ChartPoint[];
  /** The settings of a curve that mixes them (no line is drawn); null when it does not. */
  mixed: readonly string[] | null;
}

/** The convex hull drawn over the curves. */
export interface ChartHull {
  /** Whose renditions it is computed over ("libx264 ultrafast CRF"). */
  label: string;
  points: readonly { bitrate: number; quality: number }[];
  crossovers: readonly Crossover[];
}

/** Props of {@link RdChart}. */
export interface RdChartProps {
  curves: readonly ChartCurve[];
  hull: ChartHull | null;
  /**
   * Renditions whose score is stale (`rendition.stale` says why): hollow grey markers on no curve,
   * in no hull; the tooltip says why, and they do not open in Compare.
   */
  stale: readonly ChartPoint[];
  axis: AxisKind;
  /** Axis title of the quality figure: "VMAF (mean)", "CAMBI (lower is better)". */
  qualityLabel: string;
  /** The chart's title, drawn in the SVG so a PNG says what it shows. */
  title: string;
  /** Decimals quality values are shown with. */
  decimals: number;
  /** Where the quality axis must stay (VMAF 0–100, SSIM ≤ 1). */
  bounds: { floor?: number; ceiling?: number };
  /** Opens a rendition (in Compare). */
  onOpen: (rendition: RdRendition) => void;
  /** The figure's <svg>, for the PNG export. */
  svgRef: RefObject<SVGSVGElement | null>;
  /** Every quality figure of a rendition, for the tooltip. */
  figures: (r: RdRendition) => { label: string; value: string }[];
  height?: number;
}

const MARGIN = { left: 60, right: 18, top: 46, bottom: 46 };
const LEGEND_ROW = 20;
const HIT_RADIUS = 14;

/** Colours and fonts written on the SVG elements themselves, so the PNG export keeps them. */
function themeColors(): Record<
  'bg' | 'text' | 'muted' | 'faint' | 'grid' | 'hull' | 'warn',
  string
> {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string): string =>
    css.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--surface', '#15181e'),
    text: v('--text', '#e4e6ea'),
    muted: v('--text-muted', '#9ba2ad'),
    faint: v('--text-faint', '#6e7581'),
    grid: v('--border', '#272c35'),
    hull: '#ffffff',
    warn: v('--warn', '#e0b052'),
  };
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif';

/** A marker shape per curve, so curves differ by more than colour. */
function Marker({
  shape,
  x,
  y,
  color,
  fill,
}: {
  shape: number;
  x: number;
  y: number;
  color: string;
  fill: string;
}): ReactNode {
  const r = 4;
  switch (shape % 4) {
    case 1:
      return (
        <rect
          x={x - r}
          y={y - r}
          width={2 * r}
          height={2 * r}
          stroke={color}
          fill={fill}
          strokeWidth={1.5}
        />
      );
    case 2:
      return (
        <path
          d={`M${x} ${y - r - 1} L${x + r + 1} ${y + r} L${x - r - 1} ${y + r} Z`}
          stroke={color}
          fill={fill}
          strokeWidth={1.5}
        />
      );
    case 3:
      return (
        <path
          d={`M${x} ${y - r - 1} L${x + r + 1} ${y} L${x} ${y + r + 1} L${x - r - 1} ${y} Z`}
          stroke={color}
          fill={fill}
          strokeWidth={1.5}
        />
      );
    default:
      return <circle cx={x} cy={y} r={r} stroke={color} fill={fill} strokeWidth={1.5} />;
  }
}

/** Legend entries laid out in rows that fit `width` (text width estimated from its length). */
function legendLayout(
  entries: readonly { label: string }[],
  width: number,
): { x: number; row: number }[] {
  const out: { x: number; row: number }[] = [];
  let x = MARGIN.left;
  let row = 0;
  for (const e of entries) {
    const w = 26 + e.label.length * 6.6;
    if (x + w > width - MARGIN.right && x > MARGIN.left) {
      row++;
      x = MARGIN.left;
    }
    out.push({ x, row });
    x += w + 14;
  }
  return out;
}

/**
 * The rate–quality chart (SVG): bitrate on a linear or log axis against the chosen quality figure,
 * one line with markers per curve (a grid's line is its hull; a curve mixing encoder settings has
 * markers only), stale scores as hollow grey markers joined to nothing, the convex hull as a thick
 * dashed line, and the crossover bitrates as labelled vertical guides. Hover (or arrow keys when
 * focused) shows a rendition; click (or Enter) opens it in Compare (not a stale one).
 */
export function RdChart({
  curves,
  hull,
  stale,
  axis,
  qualityLabel,
  title,
  decimals,
  bounds,
  onOpen,
  svgRef,
  figures,
  height = 420,
}: RdChartProps): ReactNode {
  const { ref: wrapRef, width } = useElementWidth<HTMLDivElement>(800);
  const [hover, setHover] = useState<number | null>(null);
  // The rendition stepped to with the keys, by id: the points are fetched again while the chart
  // has focus (a grid scores in bursts), so an index would move to another rendition or past the end.
  const [focusId, setFocusId] = useState<string | null>(null);

  const colors = useMemo(() => themeColors(), []);
  const legendEntries = useMemo(
    () => [
      ...curves.map((c, i) => ({
        label: c.mixed ? `${c.label} (mixed settings: no line)` : c.label,
        color: c.color,
        shape: i,
        kind: 'curve' as const,
      })),
      ...(hull
        ? [
            {
              label: `Convex hull (${hull.label})`,
              color: colors.hull,
              shape: 0,
              kind: 'hull' as const,
            },
          ]
        : []),
      ...(stale.length
        ? [
            {
              label: 'Stale score (left out)',
              color: colors.faint,
              shape: 0,
              kind: 'stale' as const,
            },
          ]
        : []),
    ],
    [curves, hull, stale.length, colors],
  );
  const legend = legendLayout(legendEntries, width);
  const legendRows = legend.length ? Math.max(...legend.map((l) => l.row)) + 1 : 0;
  const plotBottom = height - MARGIN.bottom;
  const svgHeight = height + legendRows * LEGEND_ROW + 6;

  const all = useMemo(() => [...curves.flatMap((c) => c.points), ...stale], [curves, stale]);
  const xDomain = useMemo(
    () =>
      bitrateDomain(
        all.map((p) => p.bitrate),
        axis,
      ),
    [all, axis],
  );
  const yDomain = useMemo(
    () =>
      qualityDomain(
        all.map((p) => p.quality),
        bounds,
        decimals > 2 ? 0.01 : 1,
      ),
    [all, bounds, decimals],
  );
  const x = makeScale(axis, xDomain, [MARGIN.left, width - MARGIN.right]);
  const y = makeScale('linear', yDomain, [plotBottom, MARGIN.top]);
  const xTicks =
    axis === 'log'
      ? logTicks(xDomain)
      : linearTicks(xDomain, Math.max(2, Math.floor(width / 110)), formatBitsPerSecond);
  const yTicks = linearTicks(yDomain, 6, (v) => (decimals > 2 ? v.toFixed(2) : String(v)));

  // Every point in one list (curve order, the stale ones last), for hover, keyboard and click.
  const flat: (ChartPoint & { curve: number | null; sx: number; sy: number })[] = [
    ...curves.flatMap((c, ci) =>
      c.points.map((p) => ({ ...p, curve: ci, sx: x.toPx(p.bitrate), sy: y.toPx(p.quality) })),
    ),
    ...stale.map((p) => ({ ...p, curve: null, sx: x.toPx(p.bitrate), sy: y.toPx(p.quality) })),
  ];
  // A stale score is not the file's: Compare would show other bytes than it measured.
  const openable = (i: number): boolean => flat[i]!.curve !== null;
  const screen: ScreenPoint[] = flat.map((p) => ({ x: p.sx, y: p.sy }));
  // Keyboard order: by bitrate, then quality.
  const keyOrder = flat
    .map((_, i) => i)
    .sort((a, b) => flat[a]!.bitrate - flat[b]!.bitrate || flat[a]!.quality - flat[b]!.quality);
  const focusAt =
    focusId === null ? -1 : flat.findIndex((p) => p.rendition.renditionId === focusId);
  const focusIdx = focusAt >= 0 ? focusAt : null;
  const shown = hover ?? focusIdx;
  const active = shown !== null && shown < flat.length ? flat[shown]! : null;

  function localPoint(e: MouseEvent<SVGSVGElement>): { lx: number; ly: number } {
    const rect = e.currentTarget.getBoundingClientRect();
    return { lx: e.clientX - rect.left, ly: e.clientY - rect.top };
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>): void {
    if (flat.length === 0) return;
    const pos = focusIdx === null ? -1 : keyOrder.indexOf(focusIdx);
    let next: number;
    if (e.key === 'ArrowRight' || e.key === 'ArrowUp')
      next = keyOrder[Math.min(keyOrder.length - 1, pos + 1)]!;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') next = keyOrder[Math.max(0, pos - 1)]!;
    else if (e.key === 'Home') next = keyOrder[0]!;
    else if (e.key === 'End') next = keyOrder[keyOrder.length - 1]!;
    else if (e.key === 'Enter' && focusIdx !== null) {
      e.preventDefault();
      if (openable(focusIdx)) onOpen(flat[focusIdx]!.rendition);
      return;
    } else if (e.key === 'Escape' && focusIdx !== null) {
      e.preventDefault();
      setFocusId(null);
      return;
    } else return;
    e.preventDefault();
    setHover(null);
    setFocusId(flat[next]!.rendition.renditionId);
  }

  const hullPath = hull
    ? polylinePath(hull.points.map((p) => ({ x: x.toPx(p.bitrate), y: y.toPx(p.quality) })))
    : '';
  const plotW = width - MARGIN.left - MARGIN.right;
  const tipLeft = active ? active.sx + 14 > width - 280 : false;

  return (
    <div
      className="rd-chart"
      ref={wrapRef}
      tabIndex={0}
      role="figure"
      aria-label={`${qualityLabel} against bitrate (${axis} axis): ${curves.length} curve${
        curves.length === 1 ? '' : 's'
      }, ${flat.length - stale.length} rendition${flat.length - stale.length === 1 ? '' : 's'}${
        stale.length
          ? ` and ${stale.length} stale score${stale.length === 1 ? '' : 's'} (left out)`
          : ''
      }${hull ? `, convex hull of ${hull.label} with ${hull.points.length} points` : ''}. Arrow keys step through the renditions; Enter opens one in Compare.`}
      onKeyDown={onKeyDown}
      onBlur={() => setFocusId(null)}
      data-testid="rd-chart"
      data-axis={axis}
    >
      <svg
        ref={svgRef}
        xmlns="http://www.w3.org/2000/svg"
        width={width}
        height={svgHeight}
        viewBox={`0 0 ${width} ${svgHeight}`}
        fontFamily={FONT}
        fontSize={11}
        onPointerMove={(e) => {
          const { lx, ly } = localPoint(e);
          setHover(nearestPoint(screen, lx, ly, HIT_RADIUS));
        }}
        onPointerLeave={() => setHover(null)}
        onClick={(e) => {
          const { lx, ly } = localPoint(e);
          const hit = nearestPoint(screen, lx, ly, HIT_RADIUS);
          if (hit !== null && openable(hit)) onOpen(flat[hit]!.rendition);
        }}
        style={{ cursor: hover !== null && openable(hover) ? 'pointer' : 'default' }}
      >
        <rect x={0} y={0} width={width} height={svgHeight} fill={colors.bg} />
        <text x={MARGIN.left} y={16} fill={colors.text} fontSize={12} fontWeight={600}>
          {title}
        </text>
        {/* Grid and ticks */}
        {yTicks.map((t) => (
          <g key={`y${t.value}`}>
            <line
              x1={MARGIN.left}
              x2={width - MARGIN.right}
              y1={y.toPx(t.value)}
              y2={y.toPx(t.value)}
              stroke={colors.grid}
            />
            <text
              x={MARGIN.left - 6}
              y={y.toPx(t.value)}
              textAnchor="end"
              dominantBaseline="middle"
              fill={colors.muted}
            >
              {t.label}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <g key={`x${t.value}`} data-testid="rd-xtick">
            <line
              x1={x.toPx(t.value)}
              x2={x.toPx(t.value)}
              y1={MARGIN.top}
              y2={plotBottom}
              stroke={colors.grid}
            />
            <text x={x.toPx(t.value)} y={plotBottom + 15} textAnchor="middle" fill={colors.muted}>
              {t.label}
            </text>
          </g>
        ))}
        <rect
          x={MARGIN.left}
          y={MARGIN.top}
          width={plotW}
          height={plotBottom - MARGIN.top}
          fill="none"
          stroke={colors.grid}
        />
        <text
          x={MARGIN.left + plotW / 2}
          y={plotBottom + 34}
          textAnchor="middle"
          fill={colors.text}
        >
          Bitrate ({axis === 'log' ? 'log scale' : 'linear scale'})
        </text>
        <text
          transform={`translate(14 ${(MARGIN.top + plotBottom) / 2}) rotate(-90)`}
          textAnchor="middle"
          fill={colors.text}
        >
          {qualityLabel}
        </text>

        {/* Crossover guides: where the best resolution on the hull changes */}
        {hull?.crossovers.map((c, i) => {
          const cx = x.toPx(c.bitrate);
          const labelY = MARGIN.top - 8 - (i % 2) * 12;
          const anchor = cx > width - 140 ? 'end' : cx < MARGIN.left + 140 ? 'start' : 'middle';
          return (
            <g
              key={`c${c.bitrate}-${c.from}-${c.to}`}
              data-testid="rd-crossover"
              pointerEvents="none"
            >
              <line
                x1={cx}
                x2={cx}
                y1={MARGIN.top}
                y2={plotBottom}
                stroke={colors.warn}
                strokeDasharray="3 4"
                strokeWidth={1}
              />
              <text x={cx} y={labelY} textAnchor={anchor} fill={colors.warn} fontSize={10.5}>
                {crossoverText(c)}
              </text>
            </g>
          );
        })}

        {/* Curves */}
        {curves.map((c, ci) => (
          <g
            key={c.key}
            data-testid="rd-curve"
            data-curve={c.label}
            data-line={c.line.length}
            data-mixed={c.mixed ? 'true' : undefined}
          >
            <path
              d={polylinePath(c.line.map((p) => ({ x: x.toPx(p.bitrate), y: y.toPx(p.quality) })))}
              fill="none"
              stroke={c.color}
              strokeWidth={1.5}
              strokeOpacity={0.85}
            />
            {c.points.map((p) => (
              <g
                key={p.rendition.renditionId}
                data-testid="rd-point"
                data-rendition-id={p.rendition.renditionId}
              >
                <Marker
                  shape={ci}
                  x={x.toPx(p.bitrate)}
                  y={y.toPx(p.quality)}
                  color={c.color}
                  fill={colors.bg}
                />
              </g>
            ))}
          </g>
        ))}

        {/* Stale scores: hollow and grey, joined to nothing */}
        {stale.map((p) => (
          <circle
            key={p.rendition.scoreResultId}
            cx={x.toPx(p.bitrate)}
            cy={y.toPx(p.quality)}
            r={4}
            fill="none"
            stroke={colors.faint}
            strokeWidth={1.5}
            data-testid="rd-stale-point"
            data-rendition-id={p.rendition.renditionId}
            data-label={p.rendition.label}
          />
        ))}

        {/* Hull over everything */}
        {hull && hull.points.length ? (
          <g data-testid="rd-hull" data-points={hull.points.length} pointerEvents="none">
            <path
              d={hullPath}
              fill="none"
              stroke={colors.hull}
              strokeWidth={2.5}
              strokeDasharray="8 5"
              strokeOpacity={0.9}
            />
            {hull.points.map((p) => (
              <circle
                key={`${p.bitrate}-${p.quality}`}
                cx={x.toPx(p.bitrate)}
                cy={y.toPx(p.quality)}
                r={6.5}
                fill="none"
                stroke={colors.hull}
                strokeWidth={1.2}
              />
            ))}
          </g>
        ) : null}

        {/* The point under the pointer or the keyboard */}
        {active ? (
          <circle
            cx={active.sx}
            cy={active.sy}
            r={8}
            fill="none"
            stroke={colors.text}
            strokeWidth={2}
            pointerEvents="none"
          />
        ) : null}

        {/* Legend, inside the SVG so the PNG carries it */}
        {legendEntries.map((e, i) => {
          const at = legend[i]!;
          const ly = height + at.row * LEGEND_ROW;
          return (
            <g key={`l${i}-${e.label}`} data-testid="rd-legend-item">
              {e.kind === 'hull' ? (
                <line
                  x1={at.x}
                  x2={at.x + 18}
                  y1={ly}
                  y2={ly}
                  stroke={e.color}
                  strokeWidth={2.5}
                  strokeDasharray="6 3"
                />
              ) : e.kind === 'stale' ? (
                <circle
                  cx={at.x + 9}
                  cy={ly}
                  r={4}
                  fill="none"
                  stroke={e.color}
                  strokeWidth={1.5}
                />
              ) : (
                <>
                  <line
                    x1={at.x}
                    x2={at.x + 18}
                    y1={ly}
                    y2={ly}
                    stroke={e.color}
                    strokeWidth={1.5}
                  />
                  <Marker shape={e.shape} x={at.x + 9} y={ly} color={e.color} fill={colors.bg} />
                </>
              )}
              <text x={at.x + 24} y={ly} dominantBaseline="middle" fill={colors.text}>
                {e.label}
              </text>
            </g>
          );
        })}
      </svg>

      {active ? (
        <div
          className="rd-tooltip"
          role="status"
          data-testid="rd-tooltip"
          style={{
            top: Math.max(0, Math.min(active.sy - 10, svgHeight - 290)),
            ...(tipLeft ? { right: width - active.sx + 14 } : { left: active.sx + 14 }),
          }}
        >
          <strong>{active.rendition.label}</strong>
          <span className="muted">
            {' '}
            · {active.curve === null ? 'left out of every curve' : curves[active.curve]?.label}
          </span>
          {active.curve === null ? (
            <p className="rd-tooltip-stale" data-testid="rd-tooltip-stale">
              stale: {active.rendition.stale?.reason ?? 'the score no longer describes the file'}
            </p>
          ) : null}
          <dl>
            <dt>Resolution</dt>
            <dd>
              {active.rendition.width}×{active.rendition.height}
            </dd>
            <dt>Encoder</dt>
            <dd>{active.rendition.encoder}</dd>
            <dt>Preset</dt>
            <dd>{presetText(active.rendition)}</dd>
            <dt>Rate control</dt>
            <dd>{active.rendition.rateControl}</dd>
            <dt>Bitrate</dt>
            <dd>{formatBitsPerSecond(active.rendition.bitrate)}</dd>
            {figures(active.rendition).map((f) => (
              <FigureRow key={f.label} label={f.label} value={f.value} />
            ))}
          </dl>
          <p className="rd-tooltip-hint">
            {active.curve === null
              ? 'Score the rendition again to draw it on its curve'
              : `Click${focusIdx !== null ? ' or Enter' : ''} to open in Compare`}
          </p>
        </div>
      ) : null}
    </div>
  );
}

function FigureRow({ label, value }: { label: string; value: string }): ReactNode {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}
