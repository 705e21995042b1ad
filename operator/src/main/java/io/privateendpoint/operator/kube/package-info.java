/**
 * What a reconcile reads of the cluster: {@link io.privateendpoint.operator.kube.KubeView}, served by
 * the informers' caches while the operator runs and by the API server where no informer runs.
 */
package io.privateendpoint.operator.kube;
