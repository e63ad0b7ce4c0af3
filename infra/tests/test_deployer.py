"""infra/deployer.yaml: the deployer may change the stacks only through the provisioning role,
push only its own images, and holds no wildcard action."""

import json

import boto3
from moto import mock_aws

from conftest import INFRA, REGION, parse


def test_the_deployer_policy_is_narrow_and_deploys():
    template = parse((INFRA / "deployer.yaml").read_text())
    statements = template["Resources"]["DeployerPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert not any(a.endswith("*") for a in actions), statement["Sid"]
        if statement["Resource"] == "*":
            assert actions == ["ecr:GetAuthorizationToken"], statement["Sid"]
    changes = next(s for s in statements if "cloudformation:CreateStack" in s["Action"])
    assert changes["Condition"] == {"StringEquals": {"cloudformation:RoleArn": {"Fn::GetAtt": ["ProvisioningRole", "Arn"]}}}
    passing = next(s for s in statements if s["Action"] == "iam:PassRole")
    assert passing["Resource"] == {"Fn::GetAtt": ["ProvisioningRole", "Arn"]}

    with mock_aws():
        cloudformation = boto3.client("cloudformation", region_name=REGION)
        cloudformation.create_stack(StackName="cinecloud-deployer", TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_NAMED_IAM"])
        stack = cloudformation.describe_stacks(StackName="cinecloud-deployer")["Stacks"][0]
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        iam = boto3.client("iam", region_name=REGION)
        assert iam.get_role(RoleName="cinecloud-cloudformation")["Role"]["Arn"] == outputs["ProvisioningRoleArn"]
        policy = iam.get_policy(PolicyArn=outputs["DeployerPolicyArn"])["Policy"]
        assert policy["PolicyName"] == "cinecloud-deployer"
