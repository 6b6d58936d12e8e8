"""Seeds the demo emulator with buckets whose live CORS differs from manifests/ in every way that
matters: one to update, one to create, one to delete, one already equal (in another order), and
one bucket the manifest does not name at all."""

import sys

import boto3

endpoint = sys.argv[1]


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
