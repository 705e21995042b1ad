package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;

/**
 * A Secret a spec field names (Kafka credentials for the listener check or for the proxy's upstream),
 * read with one get, only in the endpoint's own namespace: an endpoint cannot borrow another
 * namespace's credentials. Not cached: the operator does not watch Secrets, and the chart grants get
 * on them only with rbac.readSecrets=true.
 *
 * @param secret  the Secret; null when there is none to read or it could not be read
 * @param problem why it could not be read, naming the field; null when read (or nothing was named)
 */
public record ReferencedSecret(Secret secret, String problem) {

  /** Reads {@code name} (null: nothing to read) for {@code field}, e.g. "spec.proxy.upstream.secretRef". */
  public static ReferencedSecret read(KubernetesClient client, String namespace, String name, String field) {
    if (name == null) {
      return new ReferencedSecret(null, null);
    }
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_FORBIDDEN) {
        throw e;
      }
      return new ReferencedSecret(null, "the operator may not read Secret " + name + " (" + field + ") in namespace "
          + namespace + ": the chart grants get on Secrets only with rbac.readSecrets=true (in the watched namespaces)");
    }
    return secret == null ? new ReferencedSecret(null, "Secret " + name + " (" + field + ") not found in namespace " + namespace)
        : new ReferencedSecret(secret, null);
  }
}
