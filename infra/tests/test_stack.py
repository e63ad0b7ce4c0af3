"""infra/cinecloud.yaml deployed into moto: what exists, who may reach what, and exactly what each
role may do. Parts moto does not model are checked from the parsed template (see conftest)."""

import ast
import copy
import json

import pytest

from conftest import ACCOUNT, DOMAIN, REGION, UNMODELLED


def resources_of(template, kind):
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def test_the_stack_deploys_and_moto_skips_only_what_is_known(deployed):
    assert deployed.stack["StackStatus"] == "CREATE_COMPLETE", deployed.stack.get("StackStatusReason")
    assert deployed.skipped <= UNMODELLED, f"moto skipped types nobody checks: {deployed.skipped - UNMODELLED}"
    assert set(deployed.outputs) >= {"LoadBalancerDns", "Url", "MediaBucketName", "LogGroupName"}
    assert deployed.outputs["Url"] == f"https://{DOMAIN}"


def test_two_zones_public_for_the_balancer_private_for_the_rest(deployed, template):
    ec2 = deployed.client("ec2")
    vpc = deployed.resources["Vpc"]
    subnets = {s["SubnetId"]: s for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]}
    public = [subnets[deployed.resources[n]] for n in ("PublicSubnetA", "PublicSubnetB")]
    private = [subnets[deployed.resources[n]] for n in ("PrivateSubnetA", "PrivateSubnetB")]
    for pair in (public, private):
        assert len({s["AvailabilityZone"] for s in pair}) == 2
    # Moto keeps no MapPublicIpOnLaunch: from the template (private subnets default to false).
    for name in ("PublicSubnetA", "PublicSubnetB"):
        assert template["Resources"][name]["Properties"]["MapPublicIpOnLaunch"] is False
    for name in ("PrivateSubnetA", "PrivateSubnetB"):
        assert template["Resources"][name]["Properties"].get("MapPublicIpOnLaunch", False) is False
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
    for name in ("PrivateRouteTableA", "PrivateRouteTableB"):
        table = next(t for t in tables if t["RouteTableId"] == deployed.resources[name])
        default = next(r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0")
        assert default.get("NatGatewayId", "").startswith("nat-"), "private subnets reach out through NAT only"
        assert "GatewayId" not in default or not default["GatewayId"].startswith("igw-")
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["VpcEndpoints"]
    assert any(e["ServiceName"] == f"com.amazonaws.{REGION}.s3" and e["VpcEndpointType"] == "Gateway" for e in endpoints)


def test_the_balancer_speaks_modern_tls_redirects_http_and_checks_readiness(deployed, template):
    elb = deployed.client("elbv2")
    lb = deployed.resources["LoadBalancer"]
    listeners = {l["Port"]: l for l in elb.describe_listeners(LoadBalancerArn=lb)["Listeners"]}
    assert set(listeners) == {80, 443}
    assert listeners[443]["Protocol"] == "HTTPS"
    assert listeners[443]["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    redirect = listeners[80]["DefaultActions"][0]
    assert redirect["Type"] == "redirect"
    assert redirect["RedirectConfig"]["Protocol"] == "HTTPS" and redirect["RedirectConfig"]["StatusCode"] == "HTTP_301"
    # Moto keeps no load balancer attributes: from the template.
    attributes = {
        a["Key"]: a["Value"] for a in template["Resources"]["LoadBalancer"]["Properties"]["LoadBalancerAttributes"]
    }
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["access_logs.s3.bucket"] == {"Ref": "LogBucket"}
    group = elb.describe_target_groups(TargetGroupArns=[deployed.resources["TargetGroup"]])["TargetGroups"][0]
    assert (group["HealthCheckPath"], group["Port"], group["TargetType"]) == ("/readyz", 3000, "ip")
    # Moto keeps no target group attributes: from the template. The app drains for 5 s after
    # SIGTERM, then gives requests in flight 30 s.
    group_attributes = {
        a["Key"]: a["Value"] for a in template["Resources"]["TargetGroup"]["Properties"]["TargetGroupAttributes"]
    }
    assert group_attributes["deregistration_delay.timeout_seconds"] == "35"


def test_the_service_runs_two_private_tasks_configured_for_the_fleet(deployed, template):
    service = deployed.service()
    assert service["desiredCount"] >= 2
    # Moto keeps no launch type or deployment configuration: from the template.
    assert template["Resources"]["Service"]["Properties"]["LaunchType"] == "FARGATE"
    # Moto keeps no network configuration: from the template.
    network = template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "DISABLED"
    assert network["Subnets"] == [{"Ref": "PrivateSubnetA"}, {"Ref": "PrivateSubnetB"}]
    assert network["SecurityGroups"] == [{"Ref": "ServiceSecurityGroup"}]
    deployment = template["Resources"]["Service"]["Properties"]["DeploymentConfiguration"]
    assert deployment["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    assert deployment["MinimumHealthyPercent"] == 100

    container = deployed.task_definition()["containerDefinitions"][0]
    env = {e["name"]: e["value"] for e in container["environment"]}
    assert env["CINECLOUD_TRUST_PROXY"] == "true"
    assert env["CINECLOUD_PUBLIC_URL"] == f"https://{DOMAIN}"
    assert env["CINECLOUD_S3_BUCKET"] == deployed.outputs["MediaBucketName"]
    assert env["CINECLOUD_DEMO_CATALOG"] == "false"
    assert env["CINECLOUD_METRICS_LISTEN"] == "0.0.0.0:9090"
    assert env["DATABASE_URL"].startswith("postgres://cinecloud@")
    assert "sslmode=verify-full" in env["DATABASE_URL"] and "sslrootcert=" in env["DATABASE_URL"]
    assert ":" not in env["DATABASE_URL"].split("//")[1].split("@")[0], "no password in the URL"
    # The app reads the password from the RDS-managed secret itself (and again after each
    # rotation): the task definition names the secret and holds no password.
    assert env["CINECLOUD_DATABASE_SECRET"] == deployed.secret
    assert not container.get("secrets")
    assert not any("PASSWORD" in name for name in env)
    assert container["readonlyRootFilesystem"] is True and container["user"] == "10001:10001"
    assert container["logConfiguration"]["logDriver"] == "awslogs"


def test_the_database_is_private_encrypted_multi_az_and_kept(deployed, template):
    rds = deployed.client("rds")
    db = rds.describe_db_instances(DBInstanceIdentifier=deployed.resources["Database"])["DBInstances"][0]
    assert db["Engine"] == "postgres"
    assert db["MultiAZ"] is True and db["StorageEncrypted"] is True
    assert db["PubliclyAccessible"] is False
    assert db["BackupRetentionPeriod"] >= 7
    # Moto keeps no deletion protection: from the template.
    properties = template["Resources"]["Database"]["Properties"]
    assert properties["DeletionProtection"] == {"Ref": "DatabaseDeletionProtection"}
    assert template["Parameters"]["DatabaseDeletionProtection"]["Default"] == "true"
    assert properties["ManageMasterUserPassword"] is True and "MasterUserPassword" not in properties
    assert properties["DBParameterGroupName"] == {"Ref": "DatabaseParameters"}
    assert template["Resources"]["DatabaseParameters"]["Properties"]["Parameters"]["rds.force_ssl"] == "1"
    assert template["Resources"]["Database"]["DeletionPolicy"] == "Snapshot"


# ------------------------------------------------------------------------- IAM

def bucket_arn(deployed):
    return f"arn:aws:s3:::{deployed.outputs['MediaBucketName']}"


def expected_task_statements(deployed):
    bucket = bucket_arn(deployed)
    return {
        ("s3:ListBucket",): (bucket,),
        ("s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"): tuple(
            f"{bucket}/{folder}/*" for folder in ("covers", "models", "profiles", "videos")
        ),
        ("secretsmanager:GetSecretValue",): (deployed.secret,),
    }


def statements_of(policy_document):
    """`{sorted actions: sorted resources}` of a policy's Allow statements; Deny is refused here."""
    found = {}
    for statement in policy_document["Statement"]:
        assert statement["Effect"] == "Allow", statement
        assert "NotAction" not in statement and "NotResource" not in statement, statement
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        found[tuple(sorted(actions))] = tuple(sorted(resources))
    return found


def task_role_problems(document, deployed):
    """What is wrong with the task role's policy: anything but exactly the app's S3 calls and the
    read of its database secret."""
    found = statements_of(document)
    expected = expected_task_statements(deployed)
    problems = []
    for actions, resources in found.items():
        if any("*" in action for action in actions):
            problems.append(f"wildcard action in {actions}")
        if expected.get(actions) != resources:
            problems.append(f"unexpected statement {actions} on {resources}")
    problems += [f"missing {actions}" for actions in expected if actions not in found]
    return problems


def role_documents(deployed, logical_name):
    iam = deployed.client("iam")
    role = deployed.resources[logical_name]
    names = iam.list_role_policies(RoleName=role)["PolicyNames"]
    assert iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == [], "no managed policies"
    documents = [iam.get_role_policy(RoleName=role, PolicyName=n)["PolicyDocument"] for n in names]
    # Moto answers with the document as Python's text of a dict, not as JSON.
    return [d if isinstance(d, dict) else parse_document(d) for d in documents]


def parse_document(text):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return ast.literal_eval(text)


def test_the_task_role_may_make_exactly_the_apps_s3_calls_and_read_its_database_secret(deployed):
    documents = role_documents(deployed, "TaskRole")
    assert len(documents) == 1
    assert task_role_problems(documents[0], deployed) == []


def test_the_policy_check_catches_a_widened_task_role(deployed):
    document = copy.deepcopy(role_documents(deployed, "TaskRole")[0])
    document["Statement"][1]["Action"] = "s3:*"
    assert any("wildcard" in p for p in task_role_problems(document, deployed))
    document = copy.deepcopy(role_documents(deployed, "TaskRole")[0])
    document["Statement"][1]["Resource"] = f"{bucket_arn(deployed)}/*"
    assert task_role_problems(document, deployed) != []


def test_the_execution_role_pulls_the_image_and_writes_logs_only(deployed):
    documents = role_documents(deployed, "ExecutionRole")
    assert len(documents) == 1
    found = statements_of(documents[0])
    repository = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/cinecloud"
    assert found == {
        ("ecr:GetAuthorizationToken",): ("*",),
        ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"): (repository,),
        ("logs:CreateLogStream", "logs:PutLogEvents"): (
            f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/cinecloud:log-stream:*",
        ),
    }


def test_no_policy_in_the_template_grants_a_wildcard_action_or_an_unexplained_star(template):
    allowed_star_resources = {"ecr:GetAuthorizationToken"}  # AWS offers nothing narrower
    for name, role in resources_of(template, "AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                assert not any("*" in a for a in actions), (name, actions)
                if statement["Resource"] == "*":
                    assert set(actions) <= allowed_star_resources, (name, actions)


# ------------------------------------------------------------------------- reachability

def ingress(deployed, logical_name):
    ec2 = deployed.client("ec2")
    group = ec2.describe_security_groups(GroupIds=[deployed.resources[logical_name]])["SecurityGroups"][0]
    rules = set()
    for permission in group["IpPermissions"]:
        for pair in permission.get("UserIdGroupPairs", []):
            rules.add((permission["FromPort"], pair["GroupId"]))
        for cidr in permission.get("IpRanges", []):
            rules.add((permission["FromPort"], cidr["CidrIp"]))
    return rules


def test_the_database_is_reachable_only_from_the_service_and_the_service_only_from_the_balancer(deployed, template):
    sg = deployed.resources
    assert ingress(deployed, "DatabaseSecurityGroup") == {(5432, sg["ServiceSecurityGroup"])}
    assert ingress(deployed, "ServiceSecurityGroup") == {(3000, sg["LoadBalancerSecurityGroup"]), (9090, "10.40.0.0/16")}
    assert ingress(deployed, "LoadBalancerSecurityGroup") == {(443, "0.0.0.0/0"), (80, "0.0.0.0/0")}
    # Egress rules are not modelled by moto: from the template.
    resources = template["Resources"]
    egress = resources_of(template, "AWS::EC2::SecurityGroupEgress")
    assert {(e["Properties"]["GroupId"]["Ref"], e["Properties"]["FromPort"], e["Properties"]["DestinationSecurityGroupId"]["Ref"]) for e in egress.values()} == {
        ("LoadBalancerSecurityGroup", 3000, "ServiceSecurityGroup"),
        ("ServiceSecurityGroup", 5432, "DatabaseSecurityGroup"),
    }
    for name in ("LoadBalancerSecurityGroup", "DatabaseSecurityGroup"):
        assert resources[name]["Properties"]["SecurityGroupEgress"] == [
            {"IpProtocol": "-1", "CidrIp": "127.0.0.1/32", "Description": resources[name]["Properties"]["SecurityGroupEgress"][0]["Description"]}
        ], "no egress beyond the explicit rules"
    assert [(r["FromPort"], r["CidrIp"]) for r in resources["ServiceSecurityGroup"]["Properties"]["SecurityGroupEgress"]] == [
        (443, "0.0.0.0/0")
    ]
    # Moto reports a database's groups by ids of its own: from the template.
    assert resources["Database"]["Properties"]["VPCSecurityGroups"] == [{"Ref": "DatabaseSecurityGroup"}]
    assert resources["Database"]["Properties"]["PubliclyAccessible"] is False


def test_the_media_bucket_is_private_versioned_encrypted_and_tls_only(deployed, template):
    s3 = deployed.client("s3")
    bucket = deployed.outputs["MediaBucketName"]
    # Moto keeps no public access block from a template: from the template.
    block = template["Resources"]["MediaBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert block == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    assert template["Resources"]["LogBucket"]["Properties"]["PublicAccessBlockConfiguration"] == block
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    # Moto keeps only the encryption of a bucket made from a template: the rest from the template.
    properties = template["Resources"]["MediaBucket"]["Properties"]
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    lifecycle = {r["Id"]: r for r in properties["LifecycleConfiguration"]["Rules"]}
    assert lifecycle["old-versions"]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30
    assert lifecycle["unfinished-uploads"]["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == 1
    assert properties["CorsConfiguration"]["CorsRules"] == [
        {
            "AllowedMethods": ["GET", "HEAD"],
            "AllowedOrigins": [{"Fn::Sub": "https://${DomainName}"}],
            "AllowedHeaders": ["Range"],
            "ExposedHeaders": ["Accept-Ranges", "Content-Length", "Content-Range", "ETag"],
            "MaxAge": 3600,
        }
    ]
    assert properties["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": "LogBucket"}
    # Bucket policies are not modelled by moto: from the template. Nothing is allowed to anyone;
    # plain HTTP is refused.
    policy = template["Resources"]["MediaBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert [s["Effect"] for s in policy] == ["Deny"]
    assert policy[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    log_policy = template["Resources"]["LogBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert all(s["Principal"] != "*" for s in log_policy if s["Effect"] == "Allow")
    assert all(s["Action"] == "s3:PutObject" or s["Action"] == "s3:GetBucketAcl" for s in log_policy if s["Effect"] == "Allow")


def test_scaling_and_alarms(template, deployed):
    resources = template["Resources"]
    target = resources["ScalableTarget"]["Properties"]
    assert target["MinCapacity"] == {"Ref": "MinTasks"} and target["MaxCapacity"] == {"Ref": "MaxTasks"}
    policies = {
        p["Properties"]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]["PredefinedMetricType"]
        for p in resources_of(template, "AWS::ApplicationAutoScaling::ScalingPolicy").values()
    }
    assert policies == {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"}
    alarms = resources_of(template, "AWS::CloudWatch::Alarm")
    watched = set()
    for alarm in alarms.values():
        properties = alarm["Properties"]
        assert properties["AlarmActions"] == [{"Ref": "AlarmTopicArn"}]
        if "MetricName" in properties:
            watched.add(properties["MetricName"])
        else:
            watched |= {m["MetricStat"]["Metric"]["MetricName"] for m in properties["Metrics"] if "MetricStat" in m}
    assert watched >= {
        "HTTPCode_Target_5XX_Count",
        "HTTPCode_ELB_5XX_Count",
        "UnHealthyHostCount",
        "RunningTaskCount",
        "CPUUtilization",
        "FreeStorageSpace",
        "DatabaseConnections",
    }
    logs = deployed.client("logs").describe_log_groups(logGroupNamePrefix="/ecs/cinecloud")["logGroups"]
    assert logs and logs[0]["retentionInDays"] == 30


@pytest.mark.parametrize("name", ["LogBucket", "MediaBucket"])
def test_buckets_are_kept_when_the_stack_goes(template, name):
    assert template["Resources"][name]["DeletionPolicy"] == "Retain"
