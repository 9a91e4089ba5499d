package io.shardkv.chaos.report;

import io.shardkv.chaos.history.Op;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws a run's plots with JFreeChart as PNG files beside {@code index.html}: {@code latency-raw.png}
 * (every op), {@code latency-quantiles.png} (p50/p95/p99/max per window), {@code rate.png}
 * (throughput by outcome) — all three with the fault windows shaded by kind — and
 * {@code clock.png} (each host's clock offset). Outcomes differ by shape as well as colour
 * (ok ●, fail ✕, info ▲), so the plots read without colour; the pages add text alternatives.
 */
public final class Plots {
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  static final int WIDTH = 960;
  static final int HEIGHT = 340;

  /** Colour-blind-safe (Okabe–Ito) colours of ok, fail, info. */
  static final Color[] OUTCOME_COLOURS = {new Color(0x0072B2), new Color(0xD55E00), new Color(0xE69F00)};
  /** Shading of each fault kind of {@link PlotData#KINDS}. */
  static final Color[] KIND_COLOURS = {new Color(0x999999), new Color(0x009E73), new Color(0xD55E00),
      new Color(0x56B4E9), new Color(0xCC79A7), new Color(0xF0E442), new Color(0x000000)};

  private Plots() {}

  /** CSS colour of a fault kind (the pages shade the timeline with the same colours). */
  public static String css(String kind) {
    Color c = KIND_COLOURS[Math.max(0, PlotData.KINDS.indexOf(kind))];
    return String.format("#%06x", c.getRGB() & 0xffffff);
  }

  /** CSS colour of an outcome. */
  public static String css(Op.Type outcome) {
    return String.format("#%06x", OUTCOME_COLOURS[PlotData.OUTCOMES.indexOf(outcome)].getRGB() & 0xffffff);
  }

  static Shape shape(int outcome, double size) {
    double h = size / 2;
    return switch (outcome) {
      case 0 -> new Ellipse2D.Double(-h, -h, size, size);
      case 1 -> {
        Path2D.Double p = new Path2D.Double();
        double t = size / 5;
        p.moveTo(-h, -h + t);
        p.lineTo(-h + t, -h);
        p.lineTo(0, -t);
        p.lineTo(h - t, -h);
        p.lineTo(h, -h + t);
        p.lineTo(t, 0);
        p.lineTo(h, h - t);
        p.lineTo(h - t, h);
        p.lineTo(0, t);
        p.lineTo(-h + t, h);
        p.lineTo(-h, h - t);
        p.lineTo(-t, 0);
        p.closePath();
        yield p;
      }
      default -> {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(0, -h);
        p.lineTo(h, h);
        p.lineTo(-h, h);
        p.closePath();
        yield p;
      }
    };
  }

  /** Every op's latency over time (log scale). */
  public static void latencyRaw(Path file, List<PlotData.Point> points, List<PlotData.Band> bands) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    XYSeries[] series = new XYSeries[3];
    for (int i = 0; i < 3; i++) {
      series[i] = new XYSeries(PlotData.OUTCOMES.get(i).keyword(), false, true);
    }
    for (PlotData.Point p : points) {
      series[PlotData.OUTCOMES.indexOf(p.outcome())].add(p.t(), Math.max(0.01, p.ms()), false);
    }
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
    double size = points.size() > 20_000 ? 3 : 5;
    for (int i = 0; i < 3; i++) {
      data.addSeries(series[i]);
      r.setSeriesPaint(i, translucent(OUTCOME_COLOURS[i], points.size() > 20_000 ? 110 : 200));
      r.setSeriesShape(i, shape(i, size));
      r.setLegendShape(i, shape(i, 8));
    }
    JFreeChart c = chart("Latency of every op (invocation time)", data, r, logAxis(), bands);
    if (points.size() > 20_000) {
      // tens of thousands of translucent shapes: anti-aliasing them costs seconds and shows nothing more
      c.setAntiAlias(false);
    }
    save(file, c);
  }

  /** Latency quantiles per window (log scale). */
  public static void latencyQuantiles(Path file, List<PlotData.Window> ws, List<PlotData.Band> bands) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    String[] names = {"p50", "p95", "p99", "max"};
    List<ToDoubleFunction<PlotData.Window>> fs = List.of(PlotData.Window::p50, PlotData.Window::p95,
        PlotData.Window::p99, PlotData.Window::max);
    Color[] colours = {new Color(0x0072B2), new Color(0x009E73), new Color(0xE69F00), new Color(0xD55E00)};
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < names.length; i++) {
      XYSeries s = new XYSeries(names[i], false, true);
      for (PlotData.Window w : ws) {
        double v = fs.get(i).applyAsDouble(w);
        s.add((w.from() + w.to()) / 2, Double.isNaN(v) ? Double.NaN : Math.max(0.01, v), false);
      }
      data.addSeries(s);
      r.setSeriesPaint(i, colours[i]);
      r.setSeriesStroke(i, new BasicStroke(i == 0 ? 2f : 1.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND,
          1f, i == 3 ? new float[] {4f, 3f} : null, 0f));
      r.setSeriesShape(i, new Rectangle2D.Double(-1.5, -1.5, 3, 3));
    }
    save(file, chart("Latency quantiles per " + width(ws) + " window", data, r, logAxis(), bands));
  }

  /** Throughput (completions per second) by outcome. */
  public static void rate(Path file, List<PlotData.Window> ws, List<PlotData.Band> bands) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < 3; i++) {
      XYSeries s = new XYSeries(PlotData.OUTCOMES.get(i).keyword(), false, true);
      for (PlotData.Window w : ws) {
        s.add((w.from() + w.to()) / 2, w.rate()[i], false);
      }
      data.addSeries(s);
      r.setSeriesPaint(i, OUTCOME_COLOURS[i]);
      r.setSeriesShape(i, shape(i, 4));
      r.setSeriesStroke(i, new BasicStroke(1.6f));
      r.setLegendShape(i, shape(i, 8));
    }
    NumberAxis y = new NumberAxis("ops/s completed");
    y.setAutoRangeIncludesZero(true);
    save(file, chart("Throughput by outcome per " + width(ws) + " window", data, r, y, bands));
  }

  /** Each host's clock offset over time (steps at each measurement). */
  public static void clocks(Path file, Map<String, List<double[]>> offsets, double end, List<PlotData.Band> bands)
      throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    XYStepRenderer r = new XYStepRenderer();
    int i = 0;
    for (Map.Entry<String, List<double[]>> e : offsets.entrySet()) {
      XYSeries s = new XYSeries(e.getKey(), false, true);
      for (double[] p : e.getValue()) {
        s.add(p[0], p[1], false);
      }
      s.add(Math.max(end, e.getValue().get(e.getValue().size() - 1)[0]), e.getValue().get(e.getValue().size() - 1)[1], false);
      data.addSeries(s);
      r.setSeriesStroke(i, new BasicStroke(1.8f));
      i++;
    }
    NumberAxis y = new NumberAxis("offset (ms, host − control node)");
    List<PlotData.Band> clockBands = bands.stream().filter(b -> b.kind().equals("clock")).toList();
    save(file, chart("Clock offset per host", data, r, y, clockBands));
  }

  private static LogAxis logAxis() {
    LogAxis a = new LogAxis("latency (ms)");
    a.setSmallestValue(0.01);
    a.setBase(10);
    a.setNumberFormatOverride(new java.text.DecimalFormat("0.###"));
    a.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1)); // one label per decade: 0.1, 1, 10, 100 ms
    a.setMinorTickCount(9);
    a.setMinorTickMarksVisible(true);
    return a;
  }

  private static String width(List<PlotData.Window> ws) {
    if (ws.isEmpty()) {
      return "";
    }
    double w = ws.get(0).to() - ws.get(0).from();
    return (w >= 1 ? String.valueOf((long) w) : String.valueOf(w)) + " s";
  }

  private static Color translucent(Color c, int alpha) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
  }

  private static JFreeChart chart(String title, XYSeriesCollection data, XYItemRenderer r, ValueAxis y,
      List<PlotData.Band> bands) {
    NumberAxis x = new NumberAxis("time since the start (s)");
    x.setAutoRangeIncludesZero(true);
    XYPlot plot = new XYPlot(data, x, y, r);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    LegendItemCollection legend = new LegendItemCollection();
    LegendItemCollection series = plot.getLegendItems();
    for (int i = 0; i < series.getItemCount(); i++) {
      legend.add(series.get(i));
    }
    Set<String> kinds = new LinkedHashSet<>();
    for (PlotData.Band b : bands) {
      Color c = KIND_COLOURS[PlotData.KINDS.indexOf(b.kind())];
      IntervalMarker m = new IntervalMarker(b.from(), Math.max(b.to(), b.from() + 1e-3), translucent(c, 50));
      plot.addDomainMarker(m, Layer.BACKGROUND);
      kinds.add(b.kind());
    }
    for (String k : PlotData.KINDS) {
      if (kinds.contains(k)) {
        legend.add(new LegendItem(k + " (shaded)", "", "", "", new Rectangle2D.Double(-6, -6, 12, 12),
            translucent(KIND_COLOURS[PlotData.KINDS.indexOf(k)], 90)));
      }
    }
    plot.setFixedLegendItems(legend);
    JFreeChart c = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
    c.setBackgroundPaint(Color.WHITE);
    c.setAntiAlias(true);
    return c;
  }

  private static void save(Path file, JFreeChart chart) throws IOException {
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }
}
