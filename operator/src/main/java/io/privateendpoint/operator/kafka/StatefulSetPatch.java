package io.privateendpoint.operator.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * A JSON Patch (RFC 6902) that adds, updates or removes exactly this endpoint's pieces of a
 * StatefulSet's pod template — its init container, its volume and its config-hash annotation —
 * and nothing else. It opens with a test of the resourceVersion it was computed from and tests
 * each entry's name before replacing or removing it by index, so a concurrent change (a Helm
 * upgrade, GitOps) makes the patch fail instead of clobbering that change.
 */
public final class StatefulSetPatch {

  private static final ObjectMapper JSON = JsonPatches.JSON;

  private StatefulSetPatch() {}

  /** Ops making the template hold {@code container}, {@code volume} and {@code annotation}; empty if it already does. */
  public static ArrayNode apply(StatefulSet current, Container container, Volume volume, String annotationKey,
      String annotationValue) {
    ArrayNode ops = JSON.createArrayNode();
    var podSpec = current.getSpec().getTemplate().getSpec();
    upsert(ops, "/spec/template/spec/initContainers", podSpec.getInitContainers(), Container::getName,
        StatefulSetPatch::sameContainer, container);
    upsert(ops, "/spec/template/spec/volumes", podSpec.getVolumes(), Volume::getName, StatefulSetPatch::sameVolume, volume);
    Map<String, String> annotations = current.getSpec().getTemplate().getMetadata() == null ? null
        : current.getSpec().getTemplate().getMetadata().getAnnotations();
    if (annotations == null || annotations.isEmpty()) {
      ops.add(JsonPatches.op("add", "/spec/template/metadata/annotations", JSON.createObjectNode().put(annotationKey, annotationValue)));
    } else if (!annotationValue.equals(annotations.get(annotationKey))) {
      ops.add(JsonPatches.op("add", "/spec/template/metadata/annotations/" + JsonPatches.escape(annotationKey), JSON.getNodeFactory().textNode(annotationValue)));
    }
    return guarded(current, ops);
  }

  /** Ops removing the named init container, volume and annotation where present; empty if none is. */
  public static ArrayNode remove(StatefulSet current, String containerName, String volumeName, String annotationKey) {
    ArrayNode ops = JSON.createArrayNode();
    var podSpec = current.getSpec().getTemplate().getSpec();
    removeNamed(ops, "/spec/template/spec/initContainers", podSpec.getInitContainers(), Container::getName, containerName);
    removeNamed(ops, "/spec/template/spec/volumes", podSpec.getVolumes(), Volume::getName, volumeName);
    var meta = current.getSpec().getTemplate().getMetadata();
    if (meta != null && meta.getAnnotations() != null && meta.getAnnotations().containsKey(annotationKey)) {
      ops.add(JsonPatches.op("remove", "/spec/template/metadata/annotations/" + JsonPatches.escape(annotationKey), null));
    }
    return guarded(current, ops);
  }

  // The API server fills defaults (imagePullPolicy, terminationMessagePath, defaultMode…), so only
  // the fields this operator sets are compared; comparing whole objects would write on every pass.
  static boolean sameContainer(Container actual, Container wanted) {
    return Objects.equals(actual.getImage(), wanted.getImage())
        && Objects.equals(actual.getCommand(), wanted.getCommand())
        && Objects.equals(actual.getArgs(), wanted.getArgs())
        && Objects.equals(actual.getEnv(), wanted.getEnv())
        && Objects.equals(actual.getVolumeMounts(), wanted.getVolumeMounts());
  }

  static boolean sameVolume(Volume actual, Volume wanted) {
    return actual.getConfigMap() != null && wanted.getConfigMap() != null
        && Objects.equals(actual.getConfigMap().getName(), wanted.getConfigMap().getName());
  }

  private static <T> void upsert(ArrayNode ops, String path, List<T> items, Function<T, String> name,
      BiPredicate<T, T> same, T wanted) {
    JsonNode value = JsonPatches.tree(wanted);
    if (items == null || items.isEmpty()) {
      ops.add(JsonPatches.op("add", path, JSON.createArrayNode().add(value)));
      return;
    }
    for (int i = 0; i < items.size(); i++) {
      if (Objects.equals(name.apply(items.get(i)), name.apply(wanted))) {
        if (!same.test(items.get(i), wanted)) {
          ops.add(JsonPatches.test(path + "/" + i + "/name", name.apply(wanted)));
          ops.add(JsonPatches.op("replace", path + "/" + i, value));
        }
        return;
      }
    }
    ops.add(JsonPatches.op("add", path + "/-", value));
  }

  private static <T> void removeNamed(ArrayNode ops, String path, List<T> items, Function<T, String> name,
      String wanted) {
    if (items == null) {
      return;
    }
    for (int i = 0; i < items.size(); i++) {
      if (wanted.equals(name.apply(items.get(i)))) {
        ops.add(JsonPatches.test(path + "/" + i + "/name", wanted));
        ops.add(JsonPatches.op("remove", path + "/" + i, null));
        return;
      }
    }
  }

  private static ArrayNode guarded(StatefulSet current, ArrayNode ops) {
    if (ops.isEmpty()) {
      return ops;
    }
    ArrayNode guarded = JsonPatches.guardedBy(current.getMetadata().getResourceVersion());
    guarded.addAll(ops);
    return guarded;
  }
}
