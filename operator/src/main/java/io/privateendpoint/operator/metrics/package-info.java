/**
 * The operator's metrics, cloud-neutral: the only user of Micrometer. {@link OperatorMetrics} owns the
 * Prometheus registry and hands out JOSDK's reconcile metrics, {@link CloudCallMetrics} (which the
 * cloud packages' adapters call, so no cloud SDK is imported here), {@link KubeRequestMetrics} (which
 * the kube package's client interceptor calls) and {@link ReconcileMetrics}.
 */
package io.privateendpoint.operator.metrics;
