"""Seeds the demo emulator with buckets whose live CORS differs from manifests/ in every way that
matters: one to update, one to create, one to delete, one already equal (in another order), and
one bucket the manifest does not name at all; and a CloudFront distribution whose behaviors do not
let preflights through. Writes the distribution's manifest (with the ID the emulator assigned) from
manifests/cdn.yaml.template into the output directory."""

import pathlib
import sys

import boto3

endpoint = sys.argv[1]
out_dir = pathlib.Path(sys.argv[2])


def s3(region):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="demo",
        aws_secret_access_key="demo",
    )


def bucket(name, region, rules=None):
    client = s3(region)
    if region == "us-east-1":
        client.create_bucket(Bucket=name)
    else:
        client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    if rules:
        client.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})
    what = f"{len(rules)} CORS rule(s)" if rules else "no CORS"
    print(f"  seeded {name} in {region} with {what}")


# Too open, and missing the preview origins: will be updated. Its region is found by cors-sync.
bucket("storefront-assets", "eu-central-1", [{"ID": "shop", "AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}])
# No CORS yet: will be created.
bucket("storefront-uploads", "eu-west-1")
# Someone enabled CORS by hand: the manifest says none, so it will be deleted.
bucket("storefront-exports", "us-east-1", [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "PUT"]}])
# Equal to the manifest up to method order: no change.
bucket("storefront-fonts", "us-east-1", [{"AllowedOrigins": ["*"], "AllowedMethods": ["HEAD", "GET"], "MaxAgeSeconds": 86400}])
# Not in the manifest: never touched.
bucket("legacy-reports", "us-east-1", [{"AllowedOrigins": ["https://reports.example.com"], "AllowedMethods": ["GET"]}])


# A distribution whose default behavior forwards only Origin and does not allow OPTIONS.
cloudfront = boto3.client(
    "cloudfront", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="demo", aws_secret_access_key="demo"
)
legacy_forwarding = {"QueryString": False, "Cookies": {"Forward": "none"}, "Headers": {"Quantity": 1, "Items": ["Origin"]}}
get_head = {"Quantity": 2, "Items": ["GET", "HEAD"], "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}}
distribution = cloudfront.create_distribution(
    DistributionConfig={
        "CallerReference": "storefront-cdn",
        "Comment": "storefront CDN",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [{"Id": "assets", "DomainName": "storefront-assets.s3.eu-central-1.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "assets",
            "ViewerProtocolPolicy": "redirect-to-https",
            "ForwardedValues": legacy_forwarding,
            "MinTTL": 0,
            "AllowedMethods": get_head,
        },
        "CacheBehaviors": {
            "Quantity": 1,
            "Items": [
                {
                    "PathPattern": "/fonts/*",
                    "TargetOriginId": "assets",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
                    "OriginRequestPolicyId": "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf",
                    "AllowedMethods": get_head,
                }
            ],
        },
    }
)["Distribution"]
template = pathlib.Path(__file__).resolve().parent.parent / "manifests" / "cdn.yaml.template"
(out_dir / "cdn.yaml").write_text(template.read_text().replace("DISTRIBUTION_ID", distribution["Id"]))
print(f"  seeded CloudFront distribution {distribution['Id']} (forwards only Origin, no OPTIONS)")
