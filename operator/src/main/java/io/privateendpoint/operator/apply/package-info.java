/**
 * The contract between the reconcile pipeline and the sides it applies (the Kafka listener, each
 * cloud's provisioner). It lives apart from {@code reconcile} so that {@code kafka} and {@code cloud}
 * implement it without depending on the pipeline that runs them.
 */
package io.privateendpoint.operator.apply;
