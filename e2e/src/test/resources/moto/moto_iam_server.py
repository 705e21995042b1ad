"""moto_server, with IAM enforcement that does not judge the Resource element of Allow statements.

moto authorizes every EC2 and ELBv2 request against the resource "*": only its IAM, STS and SQS
responses name a resource (core/responses.py, call_action / _determine_resource). An Allow scoped
to ARNs ("arn:aws:ec2:*:*:vpc/*") therefore never matches there, and moto would deny what AWS
allows. Conditions it does not evaluate for identity policies either (iam/access_control.py passes
no request context, so every condition holds). This launcher makes moto skip Resource too when it
cannot name the resource, then runs moto's own server unchanged: moto enforces the actions, and
IamPolicyTest checks resources and conditions against the Service Authorization Reference.

It also keeps what moto drops: an NLB's EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic. AWS
reports it in DescribeLoadBalancers for every NLB with security groups ("on" unless SetSecurityGroups
turned it off); moto neither stores nor reports it, so a change of the setting could not be seen.
"""
import sys

from moto.iam import access_control

_original = access_control.IAMPolicyStatement.is_action_permitted


def _is_action_permitted(self, action, resource="*", *args, **kwargs):
    statement = self._statement
    if resource == "*" and statement.get("Effect") == "Allow" and "Resource" in statement:
        self = access_control.IAMPolicyStatement(dict(statement, Resource="*"))
    return _original(self, action, resource, *args, **kwargs)


access_control.IAMPolicyStatement.is_action_permitted = _is_action_permitted

from moto.elbv2 import models as elbv2_models  # noqa: E402
from moto.elbv2 import responses as elbv2_responses  # noqa: E402

_ENFORCE = "enforce_security_group_inbound_rules_on_private_link_traffic"
_original_init = elbv2_models.FakeLoadBalancer.__init__


def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    # moto's serializer reads the response shape's members from the model's attributes.
    setattr(self, _ENFORCE, "on" if getattr(self, "security_groups", None) else None)


elbv2_models.FakeLoadBalancer.__init__ = _init
_original_set_security_groups = elbv2_responses.ELBV2Response.set_security_groups


def _set_security_groups(self):
    result = _original_set_security_groups(self)
    enforce = self._get_param("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic")
    balancer = self.elbv2_backend.load_balancers.get(self._get_param("LoadBalancerArn"))
    if enforce and balancer is not None:
        setattr(balancer, _ENFORCE, enforce)
    return result


elbv2_responses.ELBV2Response.set_security_groups = _set_security_groups

from moto.server import main  # noqa: E402  (after the patch, as moto_server would import it)

sys.exit(main())
