package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import io.privateendpoint.operator.apply.Changes;
import io.privateendpoint.operator.kube.KubeView;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.PlannedBroker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * For AWS instance targets on a plain StatefulSet: one NodePort Service per broker, selecting that
 * pod by its statefulset.kubernetes.io/pod-name label, so the NLB reaches the broker at its node's
 * instance and the Service's NodePort. externalTrafficPolicy Local keeps each NodePort answering
 * only on the broker's own node (no hop to another node or AZ). Kubernetes assigns the NodePorts;
 * discovery reads them back. Owned and labelled like the ConfigMap; pruned when brokers leave.
 */
final class BrokerNodePortServices {

  private final KubernetesClient client;
  private final KubeView view;

  BrokerNodePortServices(KubernetesClient client, KubeView view) {
    this.client = client;
    this.view = view;
  }

  static String name(KafkaPrivateEndpoint resource, int nodeId) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(resource.getMetadata().getUid().getBytes(StandardCharsets.UTF_8));
      return "kpe-" + HexFormat.of().formatHex(d).substring(0, 10) + "-b" + nodeId;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Creates the missing Services and deletes those of brokers that left; previewing, only records it. */
  void sync(KafkaPrivateEndpoint resource, EndpointPlan plan, Changes changes) {
    String namespace = resource.getMetadata().getNamespace();
    Map<String, Service> ours = new HashMap<>();
    owned(resource).forEach(s -> ours.put(s.getMetadata().getName(), s));
    for (PlannedBroker broker : plan.brokers()) {
      String name = name(resource, broker.nodeId());
      if (ours.remove(name) == null) {
        if (changes.previewing()) {
          changes.created("Service", namespace + "/" + name, "NodePort for broker " + broker.nodeId());
          continue;
        }
        try {
          client.resource(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace)
              .withLabels(OwnedMarks.labels(resource)).withAnnotations(OwnedMarks.annotations(resource))
              .withOwnerReferences(OwnedMarks.ownerReference(resource)).endMetadata()
              .withNewSpec().withType("NodePort").withExternalTrafficPolicy("Local")
              .withSelector(Map.of(BrokerLocator.POD_NAME_LABEL, broker.podName()))
              .addNewPort().withName("kafka-" + plan.listenerName()).withProtocol("TCP").withPort(plan.containerPort())
              .withNewTargetPort(plan.containerPort()).endPort()
              .endSpec().build()).create();
        } catch (KubernetesClientException e) {
          // Services are read from the informer, which may not have delivered one made a moment ago:
          // already there is done.
          if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
            throw e;
          }
          continue;
        }
        changes.created("Service", namespace + "/" + name, "NodePort for broker " + broker.nodeId());
      }
    }
    for (Service left : ours.values()) { // brokers that left
      if (!changes.previewing()) {
        client.resource(left).delete(); // one already gone (a cache behind) answers an empty list, not an error
      }
      changes.deleted("Service", namespace + "/" + left.getMetadata().getName(), "its broker left");
    }
  }

  void delete(KafkaPrivateEndpoint resource) {
    owned(resource).forEach(s -> client.resource(s).delete());
  }

  private java.util.List<Service> owned(KafkaPrivateEndpoint resource) {
    return view.list(Service.class, resource.getMetadata().getNamespace(),
        Map.of(OwnedMarks.ENDPOINT_LABEL, resource.getMetadata().getName())).stream()
        .filter(s -> OwnedMarks.ownedBy(s.getMetadata(), resource)).toList();
  }
}
