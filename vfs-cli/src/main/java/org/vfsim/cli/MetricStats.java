package org.vfsim.cli;

import java.util.Locale;

/**
 * Mean, sample standard deviation and the half-width of a 95% confidence interval of the mean
 * (Student's t with n-1 degrees of freedom) of one metric over a study's seeds.
 */
record MetricStats(int n, double mean, double sd, double ci95) {
  /** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
  private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
      2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
      2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

  static MetricStats of(double[] xs) {
    int n = 0;
    double sum = 0;
    for (double x : xs) {
      if (!Double.isNaN(x)) {
        n++;
        sum += x;
      }
    }
    if (n == 0) {
      return new MetricStats(0, Double.NaN, Double.NaN, Double.NaN);
    }
    double mean = sum / n;
    if (n == 1) {
      return new MetricStats(1, mean, Double.NaN, Double.NaN);
    }
    double ss = 0;
    for (double x : xs) {
      if (!Double.isNaN(x)) {
        ss += (x - mean) * (x - mean);
      }
    }
    double sd = Math.sqrt(ss / (n - 1));
    return new MetricStats(n, mean, sd, t975(n - 1) * sd / Math.sqrt(n));
  }

  /** The t quantile; beyond 30 degrees of freedom a Cornish-Fisher step from the normal's 1.96. */
  static double t975(int df) {
    if (df <= T975.length) {
      return T975[df - 1];
    }
    double z = 1.959964;
    return z + (z * z * z + z) / (4.0 * df);
  }

  /** {@code 0.812 ± 0.031}, or the mean alone for one sample. */
  String format(String fmt) {
    if (n == 0) {
      return "-";
    }
    String m = String.format(Locale.ROOT, fmt, mean);
    return Double.isNaN(ci95) ? m : m + " ± " + String.format(Locale.ROOT, fmt, ci95);
  }
}
