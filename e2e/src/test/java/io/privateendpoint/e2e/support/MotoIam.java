package io.privateendpoint.e2e.support;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * The two IAM users of the AWS tests, made through moto's IAM API in the window before moto
 * enforces IAM: moto lets the first INITIAL_NO_AUTH_ACTION_COUNT requests through unchecked and
 * checks every later one (moto/core/authorization.py: each request in the window increments a
 * counter; from then on the signature, the access key and the action are checked against the
 * caller's policies). {@code admin} may do anything (the tests' own clients build VPCs, subnets and
 * look-alikes); {@code operator} holds exactly config/aws/iam-policy.json, as the operator's role would.
 */
final class MotoIam {

  /** The requests made in the window, which is what moto's INITIAL_NO_AUTH_ACTION_COUNT is set to. */
  static final int SETUP_CALLS = 7;

  private static final String ADMIN_POLICY = """
      {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}""";

  record Users(AwsCredentials admin, AwsCredentials operator) {}

  private MotoIam() {}

  static Users create(String endpoint, String operatorPolicy) {
    AtomicInteger requests = new AtomicInteger();
    ExecutionInterceptor counter = new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        requests.incrementAndGet();
      }
    };
    Users users;
    // No retries: a retried request would use up the window uncounted.
    try (IamClient iam = IamClient.builder().region(Region.AWS_GLOBAL).endpointOverride(URI.create(endpoint))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("setup", "setup")))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).addExecutionInterceptor(counter))
        .build()) {
      iam.createUser(b -> b.userName("admin"));
      iam.putUserPolicy(b -> b.userName("admin").policyName("admin").policyDocument(ADMIN_POLICY));
      AccessKey admin = iam.createAccessKey(b -> b.userName("admin")).accessKey();
      iam.createUser(b -> b.userName("operator"));
      String policy = iam.createPolicy(b -> b.policyName("kafka-private-endpoint-operator").policyDocument(operatorPolicy))
          .policy().arn();
      iam.attachUserPolicy(b -> b.userName("operator").policyArn(policy));
      AccessKey operator = iam.createAccessKey(b -> b.userName("operator")).accessKey();
      users = new Users(credentials(admin), credentials(operator));
    }
    if (requests.get() != SETUP_CALLS) {
      throw new IllegalStateException("the IAM setup made " + requests.get() + " requests, not " + SETUP_CALLS
          + "; moto's no-auth window would end elsewhere");
    }
    assertEnforced(endpoint, users);
    return users;
  }

  /** The window is over: the admin may read the regions, the operator (whose policy does not name ec2:DescribeRegions) may not. */
  private static void assertEnforced(String endpoint, Users users) {
    try (Ec2Client admin = ec2(endpoint, users.admin()); Ec2Client operator = ec2(endpoint, users.operator())) {
      admin.describeRegions();
      try {
        operator.describeRegions();
      } catch (AwsServiceException denied) {
        if (AwsCalls.isAccessDenied(denied)) {
          return;
        }
        throw denied;
      }
      throw new IllegalStateException("moto let the operator user call ec2:DescribeRegions: it does not enforce IAM");
    }
  }

  private static Ec2Client ec2(String endpoint, AwsCredentials credentials) {
    return Ec2Client.builder().region(Region.US_WEST_2).endpointOverride(URI.create(endpoint))
        .credentialsProvider(StaticCredentialsProvider.create(credentials)).build();
  }

  private static AwsCredentials credentials(AccessKey key) {
    return AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
  }
}
