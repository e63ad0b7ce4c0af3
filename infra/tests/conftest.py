"""The template, parsed, and deployed into moto (in-process, or as a server the app can reach).

Moto does not model everything CloudFormation does. What it skips or gets wrong is listed here,
once, and each test of a skipped part checks it from the parsed template instead:

- UNMODELLED: resource types moto skips with "No Moto CloudFormation support for ..." while still
  reporting CREATE_COMPLETE. The deployment fails on any skipped type not in this list.
- The RDS-managed master password: moto has no `MasterUserSecret.SecretArn` attribute, so the
  deployed copy points those references at a secret the test creates.
- `DBParameterGroupName: !Ref DatabaseParameters`: moto resolves the Ref to its own object and
  crashes, so the deployed copy leaves the property out (checked from the template).
"""

import json
import os
import re
import warnings
from pathlib import Path

import boto3
import pytest
from cfnlint.decode import decode_str

INFRA = Path(__file__).resolve().parent.parent
TEMPLATE = INFRA / "cinecloud.yaml"
# Moto accepts any credentials; these keep boto3 from looking for real ones.
for variable, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}.items():
    os.environ.setdefault(variable, value)

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's
DOMAIN = "movies.example.com"
STACK = "cinecloud"

UNMODELLED = {
    "AWS::EC2::SecurityGroupEgress",
    "AWS::S3::BucketPolicy",
    "AWS::ApplicationAutoScaling::ScalableTarget",
    "AWS::ApplicationAutoScaling::ScalingPolicy",
    "AWS::CloudWatch::Alarm",
}
MANAGED_SECRET = ["Database", "MasterUserSecret.SecretArn"]


def parse(text):
    """The template as data (short-form tags become their long forms)."""
    template, problems = decode_str(text)
    assert not problems, problems
    return template


@pytest.fixture(scope="session")
def template():
    return parse(TEMPLATE.read_text())


def with_secret(node, secret_arn):
    """A copy of `node` with every reference to the RDS-managed secret replaced by `secret_arn`."""
    if isinstance(node, dict):
        if node.get("Fn::GetAtt") == MANAGED_SECRET:
            return secret_arn
        return {k: with_secret(v, secret_arn) for k, v in node.items()}
    if isinstance(node, list):
        return [with_secret(v, secret_arn) for v in node]
    return node


def for_moto(template, secret_arn):
    """A copy of the template with moto's two gaps bridged (see the module's doc)."""
    bridged = with_secret(template, secret_arn)
    del bridged["Resources"]["Database"]["Properties"]["DBParameterGroupName"]
    return bridged


class Deployed:
    """A stack deployed into moto, with clients to look at it."""

    def __init__(self, template, endpoint=None):
        self.endpoint = endpoint
        self.client = lambda service: boto3.client(service, region_name=REGION, endpoint_url=endpoint)
        secret = self.client("secretsmanager").create_secret(
            Name="rds!db-managed", SecretString='{"username":"cinecloud","password":"moto"}'
        )["ARN"]
        certificate = self.client("acm").request_certificate(DomainName=DOMAIN)["CertificateArn"]
        self.topic = self.client("sns").create_topic(Name="cinecloud-alarms")["TopicArn"]
        self.secret = secret
        cloudformation = self.client("cloudformation")
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            cloudformation.create_stack(
                StackName=STACK,
                TemplateBody=json.dumps(for_moto(template, secret)),
                Capabilities=["CAPABILITY_IAM"],
                Parameters=[
                    {"ParameterKey": "ImageUri", "ParameterValue": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/cinecloud:test"},
                    {"ParameterKey": "DomainName", "ParameterValue": DOMAIN},
                    {"ParameterKey": "CertificateArn", "ParameterValue": certificate},
                    {"ParameterKey": "AlarmTopicArn", "ParameterValue": self.topic},
                ],
            )
        self.skipped = set()
        for warning in seen:
            found = re.search(r"Tried to parse (\S+) but it's not supported", str(warning.message))
            if found:
                self.skipped.add(found.group(1))
        self.stack = cloudformation.describe_stacks(StackName=STACK)["Stacks"][0]
        self.outputs = {o["OutputKey"]: o["OutputValue"] for o in self.stack.get("Outputs", [])}
        self.resources = {
            r["LogicalResourceId"]: r.get("PhysicalResourceId", "")
            for r in cloudformation.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
        }


    def service(self):
        """The ECS service as moto describes it."""
        ecs = self.client("ecs")
        found = ecs.describe_services(cluster=self.resources["Cluster"], services=[self.resources["Service"]])
        return found["services"][0]

    def task_definition(self):
        """The service's task definition as moto describes it."""
        ecs = self.client("ecs")
        return ecs.describe_task_definition(taskDefinition=self.service()["taskDefinition"])["taskDefinition"]


@pytest.fixture(scope="session")
def deployed(template):
    from moto import mock_aws

    with mock_aws():
        yield Deployed(template)
