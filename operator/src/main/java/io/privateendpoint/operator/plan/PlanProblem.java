package io.privateendpoint.operator.plan;

/**
 * Why a plan cannot be applied yet (a missing Kafka, a broker without IP, a zone not served, the
 * port range used up). While a plan has problems nothing is applied, so nothing is half-applied.
 *
 * @param reason condition reason, UpperCamelCase
 */
public record PlanProblem(String reason, String message) {

  public static final String KAFKA_NOT_FOUND = "KafkaNotFound";
  public static final String BROKER_NOT_READY = "BrokerNotReady";
  public static final String ZONE_NOT_SERVED = "ZoneNotServed";
  public static final String PORT_RANGE_EXHAUSTED = "PortRangeExhausted";
  public static final String ADDRESS_TOO_LONG = "AdvertisedAddressTooLong";
  public static final String LISTENER_CONFLICT = "ListenerConflict";
  public static final String NO_BROKERS = "NoBrokers";
  public static final String BROKERS_SHARE_NODE = "BrokersShareNode";
  public static final String UPSTREAM_UNREACHABLE = "UpstreamUnreachable";
}
