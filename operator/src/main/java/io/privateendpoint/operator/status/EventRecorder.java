package io.privateendpoint.operator.status;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes events on a KafkaPrivateEndpoint, for `kubectl describe kpe`. Best effort: a failed event is logged. */
public class EventRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void warning(KafkaPrivateEndpoint resource, String reason, String message) {
    record(resource, "Warning", reason, message);
  }

  public void normal(KafkaPrivateEndpoint resource, String reason, String message) {
    record(resource, "Normal", reason, message);
  }

  private void record(KafkaPrivateEndpoint resource, String type, String reason, String message) {
    var meta = resource.getMetadata();
    String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
    try {
      client.v1().events().inNamespace(meta.getNamespace()).resource(new EventBuilder()
          .withNewMetadata().withGenerateName(meta.getName() + ".").withNamespace(meta.getNamespace()).endMetadata()
          .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(resource.getApiVersion())
              .withKind(resource.getKind()).withNamespace(meta.getNamespace()).withName(meta.getName())
              .withUid(meta.getUid()).build())
          .withType(type).withReason(reason).withMessage(message)
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .withNewSource().withComponent("kafka-private-endpoint-operator").endSource()
          .build()).create();
    } catch (RuntimeException e) {
      LOG.warn("could not record event {} on {}/{}: {}", reason.toLowerCase(Locale.ROOT), meta.getNamespace(),
          meta.getName(), e.getMessage());
    }
  }
}
