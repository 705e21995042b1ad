"""moto_server, with IAM enforcement that does not judge the Resource element of Allow statements.

moto authorizes every EC2 and ELBv2 request against the resource "*": only its IAM, STS and SQS
responses name a resource (core/responses.py, call_action / _determine_resource). An Allow scoped
to ARNs ("arn:aws:ec2:*:*:vpc/*") therefore never matches there, and moto would deny what AWS
allows. Conditions it does not evaluate for identity policies either (iam/access_control.py passes
no request context, so every condition holds). This launcher makes moto skip Resource too when it
cannot name the resource, then runs moto's own server unchanged: moto enforces the actions, and
IamPolicyTest checks resources and conditions against the Service Authorization Reference.
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

from moto.server import main  # noqa: E402  (after the patch, as moto_server would import it)

sys.exit(main())
