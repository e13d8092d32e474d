/* vpcsim-bench-gateway: what the gateway itself costs per call.
 *
 * Runs the same EC2 call (DescribeVpcs with a filter, to one agent) N times,
 * one at a time, three ways, and prints each latency's median:
 *   native   the ApiRequest envelope on a ZeroMQ DEALER to the broker, as the
 *            vpcsim CLI sends it (no HTTP, no XML);
 *   http     POST / to the gateway on one keep-alive connection, the same
 *            form body the AWS CLI sends, answer read to the end;
 *   http+sig the same with a real SigV4 signature (give --secret and run the
 *            gateway with --credentials for it to be verified; then the
 *            unsigned http run is skipped).
 * The gateway's cost per call is http - native at the median: HTTP parsing,
 * form -> JSON, the extra hop, JSON -> XML.
 *
 *   vpcsim-bench-gateway --broker tcp://127.0.0.1:5555 --gateway 127.0.0.1:4566 \
 *                        --account 111111111111 --region us-east-1 [--secret S] [--calls N]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "gw_sigv4.h"
#include "wire.h"

#define S_BODY "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=bench"
#define S_INPUT "{\"Filters\":[{\"Name\":\"tag:Name\",\"Values\":[\"bench\"]}]}"

static uint64_t s_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int s_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static double s_median_us(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, s_cmp);
    return (double)v[n / 2] / 1000.0;
}

static double s_p90_us(const uint64_t *v, int n)
{
    return (double)v[(n * 9) / 10] / 1000.0;
}

/* One native call; 0 when an ApiReply came back ok. */
static int s_native(void *sock, const char *acct, const char *region, uint64_t id)
{
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    Vpcsim__Wire__ApiRequest req = VPCSIM__WIRE__API_REQUEST__INIT;
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    to.account = (char *)acct;
    to.region = (char *)region;
    req.action = "DescribeVpcs";
    req.input_json = S_INPUT;
    req.account = (char *)acct;
    req.region = (char *)region;
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
    env.api_request = &req;
    env.msg_id = id;
    if (vs_wire_send(sock, &env, 0) != 0)
        return -1;
    for (;;) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, 0) < 0)
            return -1;
        char why[128];
        vs_env_t *r = vs_wire_decode(zmq_msg_data(&m), zmq_msg_size(&m), why, sizeof why);
        zmq_msg_close(&m);
        if (!r)
            continue;
        int ok = r->body_case == VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY && r->api_reply->in_reply_to == id &&
                 r->api_reply->ok;
        bool mine = r->body_case == VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY && r->api_reply->in_reply_to == id;
        vs_wire_free(&r);
        if (mine)
            return ok ? 0 : -1;
    }
}

/* Sends req and reads one response (Content-Length framed); 0 on 200. */
static int s_http(int fd, const char *req, size_t len, char *buf, size_t cap)
{
    if (write(fd, req, len) != (ssize_t)len)
        return -1;
    size_t have = 0;
    for (;;) {
        ssize_t n = read(fd, buf + have, cap - have - 1);
        if (n <= 0)
            return -1;
        have += (size_t)n;
        buf[have] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        char *cl = strstr(buf, "Content-Length:");
        if (end && cl) {
            size_t body = strtoul(cl + 15, NULL, 10);
            if (have >= (size_t)(end + 4 - buf) + body)
                return strncmp(buf, "HTTP/1.1 200", 12) == 0 ? 0 : -1;
        }
        if (have + 1 >= cap)
            return -1;
    }
}

static int s_request(char *out, size_t cap, const char *host, const char *acct, const char *region,
                     const char *secret)
{
    char amz[17], date[9];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(amz, sizeof amz, "%Y%m%dT%H%M%SZ", &tm);
    memcpy(date, amz, 8);
    date[8] = '\0';
    char sig[65];
    memset(sig, '0', 64);
    sig[64] = '\0';
    const char *ctype = "application/x-www-form-urlencoded; charset=utf-8";
    if (secret) {
        gw_sigv4_auth_t a;
        memset(&a, 0, sizeof a);
        snprintf(a.akid, sizeof a.akid, "%s", acct);
        snprintf(a.date, sizeof a.date, "%s", date);
        snprintf(a.region, sizeof a.region, "%s", region);
        snprintf(a.service, sizeof a.service, "ec2");
        snprintf(a.signed_headers, sizeof a.signed_headers, "content-type;host;x-amz-date");
        gw_header_t h[] = { { "content-type", ctype }, { "host", host }, { "x-amz-date", amz } };
        gw_err_t err;
        if (gw_sigv4_sign(&a, secret, "POST", "/", h, 3, (const uint8_t *)S_BODY, strlen(S_BODY), sig, &err) != 0)
            return -1;
    }
    return snprintf(out, cap,
                    "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nX-Amz-Date: %s\r\n"
                    "Authorization: AWS4-HMAC-SHA256 Credential=%s/%s/%s/ec2/aws4_request, "
                    "SignedHeaders=content-type;host;x-amz-date, Signature=%s\r\n"
                    "Content-Length: %zu\r\n\r\n%s",
                    host, ctype, amz, acct, date, region, sig, strlen(S_BODY), S_BODY);
}

static int s_connect(const char *hostport)
{
    char host[64];
    const char *colon = strrchr(hostport, ':');
    if (!colon || (size_t)(colon - hostport) >= sizeof host)
        return -1;
    snprintf(host, sizeof host, "%.*s", (int)(colon - hostport), hostport);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1)) };
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
        return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    const char *broker = NULL, *gateway = NULL, *acct = "111111111111", *region = "us-east-1", *secret = NULL;
    int calls = 2000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--broker")) broker = argv[i + 1];
        else if (!strcmp(argv[i], "--gateway")) gateway = argv[i + 1];
        else if (!strcmp(argv[i], "--account")) acct = argv[i + 1];
        else if (!strcmp(argv[i], "--region")) region = argv[i + 1];
        else if (!strcmp(argv[i], "--secret")) secret = argv[i + 1];
        else if (!strcmp(argv[i], "--calls")) calls = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "vpcsim-bench-gateway: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (!broker || !gateway || calls < 10 || calls > 1000000) {
        fprintf(stderr, "usage: vpcsim-bench-gateway --broker EP --gateway HOST:PORT [--account A] "
                        "[--region R] [--secret S] [--calls N]\n");
        return 2;
    }
    /* The three ways are interleaved call by call, so that all of them see
     * the same machine load (the CI machine is shared). */
    uint64_t *lat[3];
    for (int m = 0; m < 3; m++)
        lat[m] = calloc((size_t)calls, sizeof *lat[m]);
    char *buf = malloc(1 << 20), req[2][2048];
    void *ctx = zmq_ctx_new(), *sock = zmq_socket(ctx, ZMQ_DEALER);
    int zero = 0;
    zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof zero);
    if (!lat[0] || !lat[1] || !lat[2] || !buf || zmq_connect(sock, broker) != 0) {
        fprintf(stderr, "vpcsim-bench-gateway: cannot set up\n");
        return 1;
    }
    const char *names[3] = { "native", "http", "http+sig" };
    bool on[3] = { true, secret == NULL, true };   /* a verifying gateway refuses unsigned calls */
    int fd[3] = { -1, -1, -1 };
    size_t len[3] = { 0 };
    for (int mode = 1; mode < 3; mode++) {
        if (!on[mode])
            continue;
        fd[mode] = s_connect(gateway);
        int n = s_request(req[mode - 1], sizeof req[0], gateway, acct, region,
                          mode == 2 ? (secret ? secret : "test") : NULL);
        if (fd[mode] < 0 || n < 0) {
            fprintf(stderr, "vpcsim-bench-gateway: cannot reach the gateway at %s\n", gateway);
            return 1;
        }
        len[mode] = (size_t)n;
    }
    for (int i = -calls / 10; i < calls; i++) {          /* a tenth as warm-up */
        for (int mode = 0; mode < 3; mode++) {
            if (!on[mode])
                continue;
            uint64_t t0 = s_now_ns();
            int rc = mode == 0 ? s_native(sock, acct, region, (uint64_t)(i + calls + 1) * 3 + 1)
                               : s_http(fd[mode], req[mode - 1], len[mode], buf, 1 << 20);
            uint64_t t1 = s_now_ns();
            if (rc != 0) {
                fprintf(stderr, "vpcsim-bench-gateway: %s call failed%s%.300s\n", names[mode],
                        mode ? ": " : "", mode ? buf : "");
                return 1;
            }
            if (i >= 0)
                lat[mode][i] = t1 - t0;
        }
    }
    double med[3] = { 0 };
    for (int mode = 0; mode < 3; mode++) {
        if (!on[mode])
            continue;
        if (fd[mode] >= 0)
            close(fd[mode]);
        med[mode] = s_median_us(lat[mode], calls);
        printf("%-9s median %8.1f us   p90 %8.1f us   (%d calls, one at a time)\n", names[mode], med[mode],
               s_p90_us(lat[mode], calls), calls);
    }
    if (!secret)
        printf("gateway cost per call at the median: %.1f us (http - native)\n", med[1] - med[0]);
    printf("gateway cost per call at the median with a signature%s: %.1f us (http+sig - native)\n",
           secret ? " verified" : " (not verified)", med[2] - med[0]);
    zmq_close(sock);
    zmq_ctx_term(ctx);
    for (int m = 0; m < 3; m++)
        free(lat[m]);
    free(buf);
    return 0;
}
