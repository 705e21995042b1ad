package io.privateendpoint.e2e.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A consumer's client for the proxy tests, in its own JVM (with -Djdk.net.hosts.file so the advertised
 * names resolve to the port mapper). One command per run; each prints lines the test asserts on.
 *
 * <pre>
 * describe  bootstrap group|-               NODES h:p,…  COORDINATOR h:p   (DescribeCluster, FindCoordinator)
 * create    bootstrap topic assignment      0=0,1;1=1,0 (partition=replicas) — waits for every leader; LEADERS …
 * produce   bootstrap topic count everyMs   acks=all, idempotent, retrying; ACKED n FAILED m MAXGAPMS g GAP t0 t1
 * consume   bootstrap topic expected mode   mode group|assign; CONSUMED n DISTINCT d
 * perf      bootstrap topic count bytes     PERF n messages … msg/s … MB/s, p50 … ms, p99 … ms (unpaced)
 * latency   bootstrap topic count bytes rate LATENCY n messages … at r/s: p50 … ms, p99 … ms, max … ms
 * </pre>
 */
public final class KafkaProxyClient {

  private KafkaProxyClient() {}

  public static void main(String[] args) throws Exception {
    Properties common = new Properties();
    common.put("bootstrap.servers", args[1]);
    common.put("request.timeout.ms", "10000");
    common.put("default.api.timeout.ms", "60000");
    common.put("reconnect.backoff.max.ms", "1000");
    // -Dkpe.client.config=<properties file>: the consumer's own settings, e.g. SASL credentials.
    String extra = System.getProperty("kpe.client.config");
    if (extra != null) {
      try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(extra))) {
        common.load(in);
      }
    }
    int exit = switch (args[0]) {
      case "describe" -> describe(common, args[2]);
      case "create" -> create(common, args[2], args[3]);
      case "produce" -> produce(common, args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      case "consume" -> consume(common, args[2], Integer.parseInt(args[3]), args[4]);
      case "perf" -> perf(common, args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      case "latency" -> latency(common, args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
          Integer.parseInt(args[5]));
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    };
    System.out.flush();
    System.exit(exit);
  }

  private static int describe(Properties common, String group) throws Exception {
    try (Admin admin = Admin.create(common)) {
      System.out.println("NODES " + admin.describeCluster().nodes().get().stream()
          .map(n -> n.host() + ":" + n.port()).collect(Collectors.toCollection(TreeSet::new)).stream()
          .collect(Collectors.joining(",")));
      if (!group.equals("-")) {
        var coordinator = admin.describeConsumerGroups(List.of(group)).all().get().get(group).coordinator();
        System.out.println("COORDINATOR " + coordinator.host() + ":" + coordinator.port());
      }
    }
    return 0;
  }

  private static int create(Properties common, String topic, String assignment) throws Exception {
    Map<Integer, List<Integer>> replicas = new TreeMap<>();
    for (String partition : assignment.split(";")) {
      String[] kv = partition.split("=");
      replicas.put(Integer.parseInt(kv[0]), List.of(kv[1].split(",")).stream().map(Integer::valueOf).toList());
    }
    try (Admin admin = Admin.create(common)) {
      admin.createTopics(List.of(new NewTopic(topic, replicas))).all().get();
      Instant deadline = Instant.now().plusSeconds(60);
      TopicDescription description;
      do {
        description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        if (description.partitions().stream().allMatch(p -> p.leader() != null && p.isr().size() == p.replicas().size())) {
          break;
        }
        Thread.sleep(300);
      } while (Instant.now().isBefore(deadline));
      System.out.println("LEADERS " + description.partitions().stream()
          .map(p -> p.partition() + "=" + p.leader().host() + ":" + p.leader().port()).collect(Collectors.joining(",")));
    }
    return 0;
  }

  /** Sends {@code count} messages, one every {@code everyMs}, round the partitions; waits for every acknowledgement. */
  private static int produce(Properties common, String topic, int count, int everyMs) throws Exception {
    Properties props = new Properties();
    props.putAll(common);
    props.put("acks", "all");
    props.put("enable.idempotence", "true");
    props.put("retries", String.valueOf(Integer.MAX_VALUE));
    props.put("delivery.timeout.ms", "120000");
    props.put("linger.ms", "0");
    ConcurrentLinkedQueue<Long> ackTimes = new ConcurrentLinkedQueue<>();
    AtomicInteger acked = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      int partitions = producer.partitionsFor(topic).size();
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "m-" + i), (metadata, error) -> {
          if (error == null) {
            ackTimes.add(System.currentTimeMillis());
            if (acked.incrementAndGet() % 20 == 0) {
              System.out.println("PROGRESS " + acked.get());
            }
          } else {
            failed.incrementAndGet();
            failures.add(error.toString());
          }
        });
        Thread.sleep(everyMs);
      }
      producer.flush();
    }
    List<Long> times = new ArrayList<>(ackTimes);
    Collections.sort(times);
    long maxGap = 0;
    long gapFrom = 0;
    for (int i = 1; i < times.size(); i++) {
      if (times.get(i) - times.get(i - 1) > maxGap) {
        maxGap = times.get(i) - times.get(i - 1);
        gapFrom = times.get(i - 1);
      }
    }
    System.out.println("ACKED " + acked.get() + " FAILED " + failed.get() + " MAXGAPMS " + maxGap + " GAP " + gapFrom + " "
        + (gapFrom + maxGap));
    failures.stream().distinct().limit(5).forEach(f -> System.out.println("FAILURE " + f));
    return acked.get() == count ? 0 : 1;
  }

  private static int consume(Properties common, String topic, int expected, String mode) throws Exception {
    Properties props = new Properties();
    props.putAll(common);
    props.put("auto.offset.reset", "earliest");
    if (mode.equals("group")) {
      props.put("group.id", "kpe-proxy-" + topic);
    }
    List<String> values = new ArrayList<>();
    Set<String> distinct = new HashSet<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      if (mode.equals("group")) {
        consumer.subscribe(List.of(topic));
      } else {
        consumer.assign(consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList());
        consumer.seekToBeginning(consumer.assignment());
      }
      Instant deadline = Instant.now().plusSeconds(60);
      while (distinct.size() < expected && Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          values.add(record.value());
          distinct.add(record.value());
        }
      }
    }
    System.out.println("CONSUMED " + values.size() + " DISTINCT " + distinct.size());
    return distinct.size() == expected ? 0 : 1;
  }

  /**
   * Throughput: {@code count} records of {@code bytes} as fast as the producer takes them (acks=all,
   * linger.ms=5, batch.size=64 KiB). Each record's send→ack time is kept too, so the line also gives
   * p50/p99 under that load (mostly time queued in the producer's buffer: the throughput seen from a
   * record). Prints {@code PERF n messages of b bytes in s s: x msg/s, y MB/s, p50 a ms, p99 b ms}.
   */
  private static int perf(Properties common, String topic, int count, int bytes) throws Exception {
    Properties props = new Properties();
    props.putAll(common);
    props.put("acks", "all");
    props.put("linger.ms", "5");
    props.put("batch.size", "65536");
    Timed run = send(props, topic, count, bytes, 0);
    System.out.printf("PERF %d messages of %d bytes in %.2f s: %.0f msg/s, %.1f MB/s, p50 %.2f ms, p99 %.2f ms%n", count, bytes,
        run.seconds(), count / run.seconds(), count * (double) bytes / run.seconds() / 1e6, run.percentile(50),
        run.percentile(99));
    return run.failed() == 0 ? 0 : 1;
  }

  /**
   * Latency: {@code count} records of {@code bytes} paced at {@code rate} per second, far below what
   * the path carries, so the send→ack time is the path's and not a queue's (acks=all, linger.ms=0).
   * Prints {@code LATENCY n messages of b bytes at r/s: p50 a ms, p99 b ms, max c ms}.
   */
  private static int latency(Properties common, String topic, int count, int bytes, int rate) throws Exception {
    Properties props = new Properties();
    props.putAll(common);
    props.put("acks", "all");
    props.put("linger.ms", "0");
    Timed run = send(props, topic, count, bytes, rate);
    System.out.printf("LATENCY %d messages of %d bytes at %d/s: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", count, bytes, rate,
        run.percentile(50), run.percentile(99), run.percentile(100));
    return run.failed() == 0 ? 0 : 1;
  }

  /** The run of {@link #send}: its wall time and each record's send→ack time in nanoseconds. */
  private record Timed(double seconds, long[] latencies, int failed) {
    double percentile(double p) {
      long[] sorted = latencies.clone();
      java.util.Arrays.sort(sorted);
      int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
  }

  /** Sends {@code count} records (paced at {@code rate}/s, or unpaced when 0), keeping each one's send→ack time. */
  private static Timed send(Properties props, String topic, int count, int bytes, int rate) throws Exception {
    String value = "x".repeat(bytes);
    long[] latencies = new long[count];
    AtomicInteger failed = new AtomicInteger();
    long start;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.partitionsFor(topic);
      start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        if (rate > 0) {
          long due = start + i * 1_000_000_000L / rate;
          for (long wait; (wait = due - System.nanoTime()) > 0; ) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
          }
        }
        int n = i;
        long sent = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, value), (metadata, error) -> {
          latencies[n] = System.nanoTime() - sent;
          if (error != null) {
            failed.incrementAndGet();
          }
        });
      }
      producer.flush();
    }
    return new Timed((System.nanoTime() - start) / 1e9, latencies, failed.get());
  }
}
