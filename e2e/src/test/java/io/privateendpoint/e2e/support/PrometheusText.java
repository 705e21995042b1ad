package io.privateendpoint.e2e.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of Prometheus' text format, read as the tests need it: samples by name and labels.
 * Only what the operator writes (no escaped quotes in label values, no timestamps).
 */
public final class PrometheusText {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\",?");

  /** One sample: metric name, labels, value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final java.util.List<Sample> samples;

  private PrometheusText(java.util.List<Sample> samples) {
    this.samples = samples;
  }

  public static PrometheusText parse(String text) {
    java.util.List<Sample> samples = new java.util.ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException("not a Prometheus sample: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
    }
    return new PrometheusText(samples);
  }

  /** The sum of {@code name}'s samples whose labels include {@code labels} (pairs of name, value); 0 when none. */
  public double sum(String name, String... labels) {
    return samples.stream().filter(s -> s.name().equals(name) && matches(s, labels)).mapToDouble(Sample::value).sum();
  }

  /** Whether any sample of {@code name} exists. */
  public boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  /** {@code name}'s samples whose labels include {@code labels}, summed by the value of label {@code by}. */
  public Map<String, Double> sumBy(String name, String by, String... labels) {
    Map<String, Double> sums = new TreeMap<>();
    samples.stream().filter(s -> s.name().equals(name) && matches(s, labels))
        .forEach(s -> sums.merge(s.labels().get(by), s.value(), Double::sum));
    return sums;
  }

  private static boolean matches(Sample sample, String... labels) {
    for (int i = 0; i < labels.length; i += 2) {
      if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
        return false;
      }
    }
    return true;
  }
}
