package io.privateendpoint.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.privateendpoint.operator.kafka.AdvertisedListenerCheck.Answer;
import io.privateendpoint.operator.kafka.MetadataProbe.Advertised;
import io.privateendpoint.operator.plan.Broker;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.EndpointPlanner;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.testing.Samples;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdvertisedListenerCheckTest {

  private final EndpointPlan plan = EndpointPlanner.plan(Samples.resource("aws.yaml").getSpec(), Observation.of(List.of(
      new Broker(0, "kafka-0", "us-west-2a", "usw2-az1", "10.0.1.5", "n1", "i-1"),
      new Broker(1, "kafka-1", "us-west-2b", "usw2-az2", "10.0.2.5", "n2", "i-2"),
      new Broker(2, "kafka-2", "us-west-2c", "usw2-az3", "10.0.3.5", "n3", "i-3"))), Map.of());

  @Test
  void everyBrokerAsPlannedOnEveryBroker() {
    ConditionReport report = AdvertisedListenerCheck.report(plan, Map.of(0, asPlanned(), 1, asPlanned(), 2, asPlanned()));
    assertThat(report.status()).isEqualTo("True");
    assertThat(report.message()).contains("lists the 3 brokers");
  }

  @Test
  void aWrongPortNamesTheBrokerAndBothValuesOnce() {
    var b1 = plan.brokers().get(1);
    List<Advertised> wrong = List.of(advertised(0), new Advertised(1, b1.advertisedHost(), 19999), advertised(2));
    ConditionReport report = AdvertisedListenerCheck.report(plan, Map.of(0, Answer.of(wrong), 1, Answer.of(wrong),
        2, Answer.of(wrong)));
    assertThat(report.status()).isEqualTo("False");
    assertThat(report.reason()).isEqualTo(AdvertisedListenerCheck.REASON_MISMATCH);
    String finding = "broker 1 advertises " + b1.advertisedHost() + ":19999, planned " + b1.advertised();
    assertThat(report.message()).contains(finding);
    assertThat(report.message().indexOf(finding)).isEqualTo(report.message().lastIndexOf(finding));
    assertThat(report.message()).doesNotContain("broker 0 advertises").doesNotContain("broker 2 advertises");
  }

  @Test
  void aWrongHostMissingAndUnplannedBrokers() {
    var b2 = plan.brokers().get(2);
    List<Advertised> odd = List.of(advertised(0), new Advertised(2, "kafka-2.kafka.svc", b2.port()),
        new Advertised(7, "b7.example.com", 9100));
    ConditionReport report = AdvertisedListenerCheck.report(plan, Map.of(0, Answer.of(odd)));
    assertThat(report.message()).contains("broker 1 is missing from the metadata (planned " + plan.brokers().get(1).advertised())
        .contains("broker 2 advertises kafka-2.kafka.svc:" + b2.port() + ", planned " + b2.advertised())
        .contains("broker 7 is advertised (b7.example.com:9100) but not planned");
  }

  @Test
  void aMismatchOutranksAnUnreachableBroker() {
    ConditionReport unreachable = AdvertisedListenerCheck.report(plan, Map.of(0, asPlanned(), 1, Answer.failed("timed out")));
    assertThat(unreachable.reason()).isEqualTo(AdvertisedListenerCheck.REASON_UNREACHABLE);
    assertThat(unreachable.message()).contains("broker 1 (pod kafka-1): timed out");

    List<Advertised> wrong = List.of(advertised(0), advertised(1));
    ConditionReport both = AdvertisedListenerCheck.report(plan, Map.of(0, Answer.of(wrong), 1, Answer.failed("timed out")));
    assertThat(both.reason()).isEqualTo(AdvertisedListenerCheck.REASON_MISMATCH);
  }

  private Answer asPlanned() {
    return Answer.of(List.of(advertised(0), advertised(1), advertised(2)));
  }

  private Advertised advertised(int node) {
    var b = plan.brokers().get(node);
    return new Advertised(b.nodeId(), b.advertisedHost(), b.port());
  }
}
