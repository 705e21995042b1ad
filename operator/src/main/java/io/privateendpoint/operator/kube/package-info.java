/**
 * What a reconcile reads of the cluster: {@link io.privateendpoint.operator.kube.KubeView}, served by
 * the informers' caches while the operator runs and by the API server where no informer runs; and
 * {@link io.privateendpoint.operator.kube.KubeRequestCounter}, which counts every request the
 * operator's client sends (kpe_kube_requests_total).
 */
package io.privateendpoint.operator.kube;
