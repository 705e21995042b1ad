/**
 * Proxy mode's Kafka side: discovering the brokers with the Kafka Admin API, and running the Kafka
 * proxy (Kroxylicious) that serves one port per broker under the consumer's names — its
 * configuration, Deployment and PodDisruptionBudget.
 */
package io.privateendpoint.operator.proxy;
