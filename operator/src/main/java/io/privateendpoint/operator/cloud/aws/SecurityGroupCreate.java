package io.privateendpoint.operator.cloud.aws;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateSecurityGroupRequest;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * Creates a security group by name, or reads back the one a lost first attempt (or, for a shared
 * group, a peer endpoint's pass) made: a group name is unique per VPC, so a second create is refused
 * with InvalidGroup.Duplicate (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
 * The caller checks the tags of a group read back, as of any group it finds.
 */
final class SecurityGroupCreate {

  /** @param now false when the group was read back after InvalidGroup.Duplicate */
  record Made(SecurityGroup group, boolean now) {}

  private SecurityGroupCreate() {}

  static Made createOrReadBack(Ec2Client ec2, Consumer<CreateSecurityGroupRequest.Builder> request, Supplier<SecurityGroup> find) {
    try {
      String id = ec2.createSecurityGroup(request).groupId();
      return new Made(SecurityGroup.builder().groupId(id).ipPermissions(List.of()).build(), true);
    } catch (AwsServiceException e) {
      SecurityGroup made = "InvalidGroup.Duplicate".equals(e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode())
          ? find.get() : null;
      if (made == null) {
        throw e;
      }
      return new Made(made, false);
    }
  }
}
