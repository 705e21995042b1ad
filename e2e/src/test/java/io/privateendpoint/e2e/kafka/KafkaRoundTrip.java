package io.privateendpoint.e2e.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the guides check by hand, as a consumer would do it: run in its own JVM with
 * -Djdk.net.hosts.file so the advertised names resolve to the port mapper. Bootstraps through
 * the load-balancer bootstrap port, prints the brokers the metadata advertises, creates a topic of
 * 3 partitions and replication factor 3, produces 10 messages and consumes them back. Prints
 * "NODES …", "LEADERS …" and "PRODUCED n CONSUMED m"; exits 0 only when all 10 came back.
 *
 * <p>Arguments: bootstrap host:port, topic.
 */
public final class KafkaRoundTrip {

  private static final int MESSAGES = 10;

  private KafkaRoundTrip() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    Properties common = new Properties();
    common.put("bootstrap.servers", bootstrap);
    common.put("request.timeout.ms", "15000");
    common.put("default.api.timeout.ms", "60000");
    // -Dkpe.client.config=<properties file>: the consumer's own settings, e.g. SASL credentials.
    String extra = System.getProperty("kpe.client.config");
    if (extra != null) {
      try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(extra))) {
        common.load(in);
      }
    }

    try (Admin admin = Admin.create(common)) {
      Set<String> nodes = admin.describeCluster().nodes().get().stream()
          .map(n -> n.host() + ":" + n.port()).collect(Collectors.toCollection(TreeSet::new));
      System.out.println("NODES " + String.join(",", nodes));
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3))).all().get();
      Instant deadline = Instant.now().plusSeconds(60);
      TopicDescription description;
      do {
        description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        if (description.partitions().stream().allMatch(p -> p.leader() != null && p.isr().size() == 3)) {
          break;
        }
        Thread.sleep(500);
      } while (Instant.now().isBefore(deadline));
      System.out.println("LEADERS " + description.partitions().stream()
          .map(p -> p.partition() + "=" + p.leader().host() + ":" + p.leader().port()).collect(Collectors.joining(",")));
    }

    Properties producerProps = new Properties();
    producerProps.putAll(common);
    producerProps.put("acks", "all");
    int produced = 0;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < MESSAGES; i++) {
        producer.send(new ProducerRecord<>(topic, i % 3, "k" + i, "message-" + i)).get();
        produced++;
      }
    }

    Properties consumerProps = new Properties();
    consumerProps.putAll(common);
    consumerProps.put("group.id", "kpe-check-" + UUID.randomUUID());
    consumerProps.put("auto.offset.reset", "earliest");
    List<String> consumed = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      Instant deadline = Instant.now().plusSeconds(90);
      while (consumed.size() < MESSAGES && Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
          consumed.add(record.value());
        }
      }
    }
    System.out.println("PRODUCED " + produced + " CONSUMED " + consumed.size());
    System.out.println("VALUES " + consumed.stream().sorted().collect(Collectors.joining(",")));
    System.exit(produced == MESSAGES && consumed.size() == MESSAGES ? 0 : 1);
  }

}
