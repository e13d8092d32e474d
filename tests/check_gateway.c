/* Unit tests of the gateway's sans-IO codecs (gateway/): form decoding,
 * flattened query -> JSON input over the generated EC2 model, the XML
 * writer, SigV4 verification (vectors signed by botocore's SigV4Auth, one
 * from AWS's SigV4 test suite) and the request handler's identity and
 * error rules. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "gw_api.h"
#include "gw_buf.h"
#include "gw_creds.h"
#include "gw_form.h"
#include "gw_query.h"
#include "gw_sigv4.h"
#include "gw_xml.h"
#include "json.h"

/* --- form ------------------------------------------------------------------ */

START_TEST(t_form_decode)
{
    gw_err_t err;
    const char *body = "Action=CreateTags&Tag.1.Value=a+b+%C3%BC%2F%2B%3D%26&Empty=&Bare&&Z=1";
    gw_form_t *f = gw_form_parse(body, strlen(body), &err);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->n, 5);
    ck_assert_str_eq(gw_form_get(f, "Action"), "CreateTags");
    ck_assert_str_eq(gw_form_get(f, "Tag.1.Value"), "a b \xc3\xbc/+=&");
    ck_assert_str_eq(gw_form_get(f, "Empty"), "");
    ck_assert_str_eq(gw_form_get(f, "Bare"), "");
    ck_assert_str_eq(f->pairs[4].key, "Z");
    ck_assert_ptr_null(gw_form_get(f, "Missing"));
    gw_form_free(&f);
    ck_assert_ptr_null(f);
}
END_TEST

START_TEST(t_form_malformed)
{
    static const char *bad[] = { "Action=%ZZ", "Action=%4", "=x", "a=%00", "Action=x&%" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gw_err_t err = { 0 };
        ck_assert_ptr_null(gw_form_parse(bad[i], strlen(bad[i]), &err));
        ck_assert_int_eq(err.status, 400);
        ck_assert_str_eq(err.code, "MalformedQueryString");
    }
}
END_TEST

/* --- query -> JSON ------------------------------------------------------------ */

/* The input document for body (an EC2 form), compact JSON; NULL and *err on error. */
static char *s_input(const char *body, gw_err_t *err)
{
    gw_form_t *f = gw_form_parse(body, strlen(body), err);
    ck_assert_ptr_nonnull(f);
    const gw_op_t *op = gw_model_op(&gw_ec2_service, gw_form_get(f, "Action"));
    ck_assert_ptr_nonnull(op);
    vs_json_t *j = gw_query_to_json(&gw_ec2_service, op, f, err);
    gw_form_free(&f);
    char *s = j ? vs_json_dump(j, 0) : NULL;
    vs_json_free(&j);
    return s;
}

START_TEST(t_query_lists_and_filters)
{
    gw_err_t err;
    /* Terraform sends keys alphabetically, indexes may have gaps. */
    char *s = s_input("Action=DescribeVpcs&Filter.2.Name=tag%3AName&Filter.2.Value.1=a&Filter.2.Value.3=b"
                      "&Filter.1.Name=cidr&Filter.1.Value.1=10.0.0.0%2F16&MaxResults=5&Version=2016-11-15"
                      "&VpcId.2=vpc-2&VpcId.1=vpc-1&DryRun=false",
                      &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, "{\"Filters\":[{\"Name\":\"cidr\",\"Values\":[\"10.0.0.0/16\"]},"
                        "{\"Name\":\"tag:Name\",\"Values\":[\"a\",\"b\"]}],\"MaxResults\":5,"
                        "\"VpcIds\":[\"vpc-1\",\"vpc-2\"],\"DryRun\":false}");
    free(s);
}
END_TEST

START_TEST(t_query_nested)
{
    gw_err_t err;
    char *s = s_input("Action=CreateVpcPeeringConnection&Version=2016-11-15&PeerOwnerId=222222222222"
                      "&PeerVpcId=vpc-2&VpcId=vpc-1&PeerRegion=eu-west-1"
                      "&TagSpecification.1.ResourceType=vpc-peering-connection"
                      "&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=ab",
                      &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, "{\"PeerOwnerId\":\"222222222222\",\"PeerVpcId\":\"vpc-2\",\"VpcId\":\"vpc-1\","
                        "\"PeerRegion\":\"eu-west-1\",\"TagSpecifications\":[{\"ResourceType\":"
                        "\"vpc-peering-connection\",\"Tags\":[{\"Key\":\"Name\",\"Value\":\"ab\"}]}]}");
    free(s);
    s = s_input("Action=ModifyVpcPeeringConnectionOptions&VpcPeeringConnectionId=pcx-1"
                "&RequesterPeeringConnectionOptions.AllowDnsResolutionFromRemoteVpc=true",
                &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, "{\"VpcPeeringConnectionId\":\"pcx-1\",\"RequesterPeeringConnectionOptions\":"
                        "{\"AllowDnsResolutionFromRemoteVpc\":true}}");
    free(s);
    /* IpPermissions: a list of structures holding lists. */
    s = s_input("Action=AuthorizeSecurityGroupIngress&GroupId=sg-1&IpPermissions.1.IpProtocol=tcp"
                "&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=22"
                "&IpPermissions.1.IpRanges.1.CidrIp=10.2.0.0%2F16",
                &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, "{\"GroupId\":\"sg-1\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\",\"FromPort\":22,"
                        "\"ToPort\":22,\"IpRanges\":[{\"CidrIp\":\"10.2.0.0/16\"}]}]}");
    free(s);
}
END_TEST

START_TEST(t_query_newer_members_pass_through)
{
    /* A top-level member newer than the build's model goes on as a string. */
    gw_err_t err;
    char *s = s_input("Action=DeleteVpc&VpcId=vpc-1&SomeNewerMember=abc", &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, "{\"VpcId\":\"vpc-1\",\"SomeNewerMember\":\"abc\"}");
    free(s);
}
END_TEST

START_TEST(t_query_errors)
{
    static const struct {
        const char *body, *code, *needle;
    } cases[] = {
        { "Action=DescribeVpcs&Bogus.1=1", "UnknownParameter", "The parameter Bogus is not recognized" },
        { "Action=DescribeVpcs&VpcIds=vpc-1", "UnknownParameter", "VpcIds" },
        { "Action=DescribeVpcs&bogus=1", "UnknownParameter", "bogus" },
        { "Action=DescribeVpcs&Filter.1.Nope=x", "UnknownParameter", "Filter.1.Nope" },
        { "Action=DescribeVpcs&MaxResults=five", "InvalidParameterValue", "MaxResults" },
        { "Action=DescribeVpcs&DryRun=yes", "InvalidParameterValue", "DryRun" },
        { "Action=DescribeVpcs&VpcId.0=vpc-1", "InvalidParameterValue", "list index" },
        { "Action=DescribeVpcs&VpcId.x=vpc-1", "InvalidParameterValue", "list index" },
        { "Action=DescribeVpcs&VpcId.1=a&VpcId.1=b", "InvalidParameterValue", "more than once" },
        { "Action=DescribeVpcs&VpcId=vpc-1", "UnknownParameter", "VpcId" },
        { "Action=DescribeVpcs&MaxResults.1=5", "InvalidParameterValue", "single value" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gw_err_t err = { 0 };
        char *s = s_input(cases[i].body, &err);
        ck_assert_msg(s == NULL, "%s was accepted: %s", cases[i].body, s);
        ck_assert_int_eq(err.status, 400);
        ck_assert_str_eq(err.code, cases[i].code);
        ck_assert_msg(strstr(err.message, cases[i].needle), "%s: %s", cases[i].body, err.message);
    }
}
END_TEST

/* --- XML ------------------------------------------------------------------- */

START_TEST(t_xml_output)
{
    const char *out = "{\"VpcPeeringConnections\":[{\"AccepterVpcInfo\":{\"OwnerId\":\"222222222222\","
                      "\"VpcId\":\"vpc-2\",\"Region\":\"eu-west-1\",\"CidrBlockSet\":[]},"
                      "\"ExpirationTime\":\"2019-06-22T08:55:29+00:00\","
                      "\"Status\":{\"Code\":\"pending-acceptance\",\"Message\":\"Pending Acceptance by 222222222222\"},"
                      "\"Tags\":[{\"Key\":\"a<b & \\\"c\\\"\",\"Value\":\"\"}],"
                      "\"VpcPeeringConnectionId\":\"pcx-1\",\"NotInModel\":1}],\"NextToken\":null}";
    vs_json_t *doc = vs_json_parse(out, strlen(out), NULL, 0);
    ck_assert_ptr_nonnull(doc);
    gw_buf_t b;
    gw_buf_init(&b);
    gw_xml_response(&b, &gw_ec2_service, gw_model_op(&gw_ec2_service, "DescribeVpcPeeringConnections"),
                    doc, "rid-1");
    vs_json_free(&doc);
    ck_assert_str_eq(b.data,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<DescribeVpcPeeringConnectionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                     "<requestId>rid-1</requestId><vpcPeeringConnectionSet><item>"
                     "<accepterVpcInfo><cidrBlockSet></cidrBlockSet><ownerId>222222222222</ownerId>"
                     "<vpcId>vpc-2</vpcId><region>eu-west-1</region></accepterVpcInfo>"
                     "<expirationTime>2019-06-22T08:55:29.000Z</expirationTime>"
                     "<status><code>pending-acceptance</code><message>Pending Acceptance by 222222222222</message></status>"
                     "<tagSet><item><key>a&lt;b &amp; &quot;c&quot;</key><value></value></item></tagSet>"
                     "<vpcPeeringConnectionId>pcx-1</vpcPeeringConnectionId></item></vpcPeeringConnectionSet>"
                     "</DescribeVpcPeeringConnectionsResponse>");
    gw_buf_free(&b);
}
END_TEST

START_TEST(t_xml_scalars_and_errors)
{
    vs_json_t *doc = vs_json_parse("{\"Return\":true}", 15, NULL, 0);
    gw_buf_t b;
    gw_buf_init(&b);
    gw_xml_response(&b, &gw_ec2_service, gw_model_op(&gw_ec2_service, "DeleteVpcPeeringConnection"), doc, "r");
    vs_json_free(&doc);
    ck_assert_ptr_nonnull(strstr(b.data, "<requestId>r</requestId><return>true</return></DeleteVpcPeeringConnectionResponse>"));
    gw_buf_reset(&b);
    gw_xml_error(&b, &gw_ec2_service, "InvalidVpcID.NotFound", "The vpc ID 'vpc-1' does not exist", "r2");
    ck_assert_str_eq(b.data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
                             "<Code>InvalidVpcID.NotFound</Code><Message>The vpc ID &apos;vpc-1&apos; does not exist</Message>"
                             "</Error></Errors><RequestID>r2</RequestID></Response>");
    gw_buf_reset(&b);
    gw_xml_error(&b, &gw_sts_service, "InvalidClientTokenId", "bad", "r3");
    ck_assert_ptr_nonnull(strstr(b.data, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                                         "<Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"));
    gw_buf_reset(&b);
    gw_xml_escape(&b, "x\x01y\tz");
    ck_assert_str_eq(b.data, "xy\tz");
    gw_buf_free(&b);
}
END_TEST

/* --- SigV4 ------------------------------------------------------------------- */

#define T_NOW_2015 1440938160   /* 2015-08-30T12:36:00Z */
#define T_NOW_2026 1795793671   /* 2026-11-27T15:34:31Z */

START_TEST(t_sigv4_aws_suite_get_vanilla)
{
    gw_header_t h[] = {
        { "host", "example.amazonaws.com" },
        { "x-amz-date", "20150830T123600Z" },
    };
    gw_sigv4_auth_t a;
    gw_err_t err;
    ck_assert_int_eq(gw_sigv4_parse("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                                    "SignedHeaders=host;x-amz-date, "
                                    "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                                    &a, &err),
                     0);
    ck_assert_str_eq(a.akid, "AKIDEXAMPLE");
    ck_assert_str_eq(a.region, "us-east-1");
    ck_assert_str_eq(a.service, "service");
    char sig[65];
    ck_assert_int_eq(gw_sigv4_sign(&a, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "GET", "/", h, 2, NULL, 0,
                                   sig, &err),
                     0);
    ck_assert_str_eq(sig, a.signature);
    ck_assert_int_eq(gw_sigv4_verify(&a, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "GET", "/", h, 2, NULL,
                                     0, T_NOW_2015 + 100, &err),
                     0);
}
END_TEST

static const char *s_post_body =
    "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=a+b";
static gw_header_t s_post_headers[] = {
    { "host", "127.0.0.1:4566" },
    { "content-type", "application/x-www-form-urlencoded;  charset=utf-8 " },
    { "x-amz-date", "20261127T153431Z" },
    { "authorization", "AWS4-HMAC-SHA256 Credential=111111111111/20261127/eu-west-1/ec2/aws4_request, "
                       "SignedHeaders=content-type;host;x-amz-date, "
                       "Signature=2e299c14407c221e566264a276b2034c32d7d80dcd4122448351521b0fb449d4" },
};

START_TEST(t_sigv4_botocore_post_and_get)
{
    gw_sigv4_auth_t a;
    gw_err_t err;
    ck_assert_int_eq(gw_sigv4_parse(s_post_headers[3].value, &a, &err), 0);
    ck_assert_int_eq(gw_sigv4_verify(&a, "test", "POST", "/", s_post_headers, 4,
                                     (const uint8_t *)s_post_body, strlen(s_post_body), T_NOW_2026, &err),
                     0);
    /* Wrong secret, changed body: AuthFailure 401. */
    ck_assert_int_eq(gw_sigv4_verify(&a, "wrong", "POST", "/", s_post_headers, 4,
                                     (const uint8_t *)s_post_body, strlen(s_post_body), T_NOW_2026, &err),
                     -1);
    ck_assert_int_eq(err.status, 401);
    ck_assert_str_eq(err.code, "AuthFailure");
    ck_assert_int_eq(gw_sigv4_verify(&a, "test", "POST", "/", s_post_headers, 4,
                                     (const uint8_t *)s_post_body, strlen(s_post_body) - 1, T_NOW_2026, &err),
                     -1);
    ck_assert_str_eq(err.code, "AuthFailure");
    /* Ten minutes late: RequestExpired 400. */
    ck_assert_int_eq(gw_sigv4_verify(&a, "test", "POST", "/", s_post_headers, 4,
                                     (const uint8_t *)s_post_body, strlen(s_post_body), T_NOW_2026 + 600, &err),
                     -1);
    ck_assert_int_eq(err.status, 400);
    ck_assert_str_eq(err.code, "RequestExpired");

    /* GET with the parameters in the query string (sorted canonically). */
    gw_header_t h[] = { { "host", "127.0.0.1:4566" }, { "x-amz-date", "20261127T153431Z" } };
    ck_assert_int_eq(gw_sigv4_parse("AWS4-HMAC-SHA256 Credential=111111111111/20261127/us-east-1/ec2/aws4_request, "
                                    "SignedHeaders=host;x-amz-date, "
                                    "Signature=d80abf6e761e2198aaef18da6a1023ee7478993ad5285af6ff520a5acb281f06",
                                    &a, &err),
                     0);
    ck_assert_int_eq(gw_sigv4_verify(&a, "test", "GET", "/?Version=2016-11-15&Action=DescribeVpcs&VpcId.1=vpc-1",
                                     h, 2, NULL, 0, T_NOW_2026, &err),
                     0);
}
END_TEST

START_TEST(t_sigv4_malformed)
{
    static const char *bad[] = {
        "Basic dXNlcjpwYXNz",
        "AWS4-HMAC-SHA256 Credential=a/20261127/us-east-1/ec2/aws4_request, SignedHeaders=host",
        "AWS4-HMAC-SHA256 Credential=a/2026/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=" 
        "0000000000000000000000000000000000000000000000000000000000000000",
        "AWS4-HMAC-SHA256 Credential=a/20261127/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=zz",
        "AWS4-HMAC-SHA256 Credential=a/20261127/us-east-1/ec2, SignedHeaders=host, Signature="
        "0000000000000000000000000000000000000000000000000000000000000000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gw_sigv4_auth_t a;
        gw_err_t err = { 0 };
        ck_assert_int_eq(gw_sigv4_parse(bad[i], &a, &err), -1);
        ck_assert_str_eq(err.code, "IncompleteSignature");
    }
}
END_TEST

/* --- the request handler ------------------------------------------------------ */

static void s_handle(const gw_creds_t *creds, gw_header_t *h, size_t n, const char *body, time_t now,
                     gw_api_result_t *res)
{
    gw_http_req_t req = { .method = "POST", .target = "/", .headers = h, .nheaders = n,
                          .body = (const uint8_t *)body, .body_len = strlen(body) };
    gw_api_handle(creds, &req, now, "rid", res);
}

START_TEST(t_api_identity)
{
    gw_api_result_t r;
    /* Default rule: the 12-digit key id is the account, the scope the Region. */
    s_handle(NULL, s_post_headers, 4, s_post_body, 0, &r);
    ck_assert_int_eq(r.kind, GW_API_FORWARD);
    ck_assert_str_eq(r.account, "111111111111");
    ck_assert_str_eq(r.region, "eu-west-1");
    ck_assert_str_eq(r.op->name, "DescribeVpcs");
    ck_assert_str_eq(r.input_json, "{\"Filters\":[{\"Name\":\"tag:Name\",\"Values\":[\"a b\"]}]}");
    gw_api_result_clear(&r);

    /* With credentials: the key maps to its account, the signature is checked. */
    char err[128];
    const char *text = "# key secret account\n111111111111 test 333333333333\nAKIAOTHER wrong 444444444444\n";
    gw_creds_t *creds = gw_creds_parse(text, strlen(text), err, sizeof err);
    ck_assert_ptr_nonnull(creds);
    ck_assert_uint_eq(gw_creds_count(creds), 2);
    s_handle(creds, s_post_headers, 4, s_post_body, T_NOW_2026, &r);
    ck_assert_int_eq(r.kind, GW_API_FORWARD);
    ck_assert_str_eq(r.account, "333333333333");
    gw_api_result_clear(&r);
    s_handle(creds, s_post_headers, 4, "Action=DescribeVpcs", T_NOW_2026, &r);
    ck_assert_int_eq(r.kind, GW_API_RESPOND);
    ck_assert_int_eq(r.status, 401);
    ck_assert_ptr_nonnull(strstr(r.body, "<Code>AuthFailure</Code>"));
    gw_api_result_clear(&r);
    gw_creds_destroy(&creds);

    /* No Authorization header; a key id that is not an account id. */
    s_handle(NULL, s_post_headers, 3, s_post_body, 0, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_ptr_nonnull(strstr(r.body, "<Code>MissingAuthenticationToken</Code>"));
    gw_api_result_clear(&r);
    gw_header_t h[] = { { "authorization", "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261127/us-east-1/ec2/aws4_request, "
                                           "SignedHeaders=host, Signature=" "0000000000000000000000000000000000000000000000000000000000000000" } };
    s_handle(NULL, h, 1, s_post_body, 0, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_ptr_nonnull(strstr(r.body, "<Code>AuthFailure</Code>"));
    gw_api_result_clear(&r);
}
END_TEST

START_TEST(t_api_actions_and_replies)
{
    gw_api_result_t r;
    s_handle(NULL, s_post_headers, 4, "Action=FlyToTheMoon&Version=2016-11-15", 0, &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_ptr_nonnull(strstr(r.body, "<Code>InvalidAction</Code><Message>The action FlyToTheMoon is not valid for this web service.</Message>"));
    gw_api_result_clear(&r);
    s_handle(NULL, s_post_headers, 4, "Version=2016-11-15", 0, &r);
    ck_assert_ptr_nonnull(strstr(r.body, "<Code>MissingAction</Code>"));
    gw_api_result_clear(&r);
    s_handle(NULL, s_post_headers, 4, "Action=Describe%Vpcs", 0, &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_ptr_nonnull(strstr(r.body, "<Code>MalformedQueryString</Code>"));
    gw_api_result_clear(&r);

    /* An agent's answers: output as XML, errors with EC2's statuses. */
    s_handle(NULL, s_post_headers, 4, "Action=DeleteVpcPeeringConnection&VpcPeeringConnectionId=pcx-1", 0, &r);
    ck_assert_int_eq(r.kind, GW_API_FORWARD);
    gw_api_reply(&r, false, NULL, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.", "rid");
    ck_assert_int_eq(r.kind, GW_API_RESPOND);
    ck_assert_int_eq(r.status, 412);
    ck_assert_ptr_nonnull(strstr(r.body, "<Code>DryRunOperation</Code>"));
    gw_api_reply(&r, true, "{\"Return\":true}", NULL, NULL, "rid");
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "<return>true</return>"));
    gw_api_reply(&r, false, NULL, "InvalidVpcPeeringConnectionID.NotFound", "gone", "rid");
    ck_assert_int_eq(r.status, 400);
    gw_api_result_clear(&r);
}
END_TEST

START_TEST(t_api_sts)
{
    gw_header_t h[] = { { "authorization", "AWS4-HMAC-SHA256 Credential=222222222222/20261127/cn-north-1/sts/aws4_request, "
                                           "SignedHeaders=host, Signature=" "0000000000000000000000000000000000000000000000000000000000000000" } };
    gw_api_result_t r;
    s_handle(NULL, h, 1, "Action=GetCallerIdentity&Version=2011-06-15", 0, &r);
    ck_assert_int_eq(r.kind, GW_API_RESPOND);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                             "<GetCallerIdentityResult><UserId>222222222222</UserId><Account>222222222222</Account>"
                             "<Arn>arn:aws-cn:iam::222222222222:root</Arn></GetCallerIdentityResult>"
                             "<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetCallerIdentityResponse>");
    gw_api_result_clear(&r);
    s_handle(NULL, h, 1, "Action=AssumeRole&Version=2011-06-15", 0, &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_ptr_nonnull(strstr(r.body, "<ErrorResponse"));
    gw_api_result_clear(&r);
}
END_TEST

START_TEST(t_creds_file_errors)
{
    static const char *bad[] = { "key secret\n", "key secret 12345\n", "a s 111111111111\na t 222222222222\n",
                                 "a s 111111111111 extra\n" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[128] = "";
        ck_assert_ptr_null(gw_creds_parse(bad[i], strlen(bad[i]), err, sizeof err));
        ck_assert_msg(strncmp(err, "line ", 5) == 0, "%s", err);
    }
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("gateway");
    TCase *tc = tcase_create("codec");
    tcase_add_test(tc, t_form_decode);
    tcase_add_test(tc, t_form_malformed);
    tcase_add_test(tc, t_query_lists_and_filters);
    tcase_add_test(tc, t_query_nested);
    tcase_add_test(tc, t_query_newer_members_pass_through);
    tcase_add_test(tc, t_query_errors);
    tcase_add_test(tc, t_xml_output);
    tcase_add_test(tc, t_xml_scalars_and_errors);
    tcase_add_test(tc, t_sigv4_aws_suite_get_vanilla);
    tcase_add_test(tc, t_sigv4_botocore_post_and_get);
    tcase_add_test(tc, t_sigv4_malformed);
    tcase_add_test(tc, t_api_identity);
    tcase_add_test(tc, t_api_actions_and_replies);
    tcase_add_test(tc, t_api_sts);
    tcase_add_test(tc, t_creds_file_errors);
    suite_add_tcase(s, tc);
    return s;
}
