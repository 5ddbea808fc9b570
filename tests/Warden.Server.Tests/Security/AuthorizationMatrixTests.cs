using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Security;

/// <summary>Every mapped endpoint × every role × own/other model gives exactly the expected status.</summary>
public sealed class AuthorizationMatrixTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private static readonly string[] Roles = ["admin", "deployer", "reviewer", "auditor", "consumer"];

    /// <summary>Expected status; a consumer asking about a model outside its scope gets 404, as for a missing model.</summary>
    private static int Expected(string method, string pattern, string role, bool own)
    {
        bool Is(params string[] roles) => roles.Contains(role);
        int Scoped(int status) => !own && role == "consumer" ? 404 : status;
        const int Forbidden = 403;
        return (method, pattern) switch
        {
            ("GET", "/v2/health/live") or ("GET", "/v2/health/ready") => 200,
            ("GET", "/v2") => 200,
            ("GET", "/v2/models/{model}") or ("GET", "/v2/models/{model}/ready") or ("GET", "/v2/models/{model}/versions/{version}")
                or ("GET", "/v2/models/{model}/versions/{version}/ready") => Scoped(200),
            ("POST", "/v2/models/{model}/infer") or ("POST", "/v2/models/{model}/versions/{version}/infer") =>
                Is("admin", "deployer", "consumer") ? Scoped(200) : Forbidden,
            ("GET", "/api/models") => 200,
            ("GET", "/api/models/{model}") or ("GET", "/api/models/{model}/versions/{version}") => Scoped(200),
            ("POST", "/api/models/{model}/versions") => Is("admin", "deployer") ? 400 : Forbidden,
            ("POST", "/api/models/{model}/versions/{version}/promote") => Is("admin", "deployer") ? 200 : Forbidden,
            ("POST", "/api/models/{model}/rollback") => Is("admin", "deployer") ? 409 : Forbidden,
            ("GET", "/api/keys") => Is("admin") ? 200 : Forbidden,
            ("POST", "/api/keys") => Is("admin") ? 400 : Forbidden,
            ("DELETE", "/api/keys/{id}") => Is("admin") ? 404 : Forbidden,
            ("POST", "/api/keys/{id}/reinstate") => Is("admin") ? 404 : Forbidden,
            ("GET", "/api/audit") or ("GET", "/api/audit/verify") or ("GET", "/api/predictions") or ("GET", "/metrics") or ("GET", "/api/usage") or ("GET", "/api/usage/refusals") =>
                Is("admin", "auditor") ? 200 : Forbidden,
            ("POST", "/api/models/{model}/feedback") => Is("admin", "deployer", "reviewer", "consumer") ? Scoped(400) : Forbidden,
            ("GET", "/api/models/{model}/feedback") => Is("admin", "auditor", "deployer") ? 200 : Forbidden,
            ("GET", "/api/models/{model}/settings") or ("GET", "/api/models/{model}/settings/{kind}/history") => Scoped(200),
            ("GET", "/api/models/{model}/settings/{kind}") => Scoped(404),
            ("PUT", "/api/models/{model}/settings/{kind}") => Is("admin", "deployer") ? 200 : Forbidden,
            ("DELETE", "/api/models/{model}/settings/{kind}") => Is("admin", "deployer") ? 404 : Forbidden,
            ("GET", "/api/abuse/alerts") => Is("admin", "auditor") ? 200 : Forbidden,
            ("POST", "/api/audit/checkpoints") => Is("admin", "auditor") ? 200 : Forbidden,
            ("GET", "/api/privacy/keys") => Is("admin", "auditor") ? 200 : Forbidden,
            ("POST", "/api/privacy/reencrypt") => Is("admin") ? 409 : Forbidden,
            ("GET", "/api/models/{model}/drift") => Is("admin", "auditor", "deployer") ? (own ? 400 : 404) : Forbidden,
            ("GET", "/api/models/{model}/drift/history") => Is("admin", "auditor", "deployer") ? 200 : Forbidden,
            ("GET", "/api/models/{model}/fairness/reports") => Is("admin", "auditor", "deployer") ? 200 : Forbidden,
            ("POST", "/api/models/{model}/fairness/reports") => Is("admin", "auditor", "deployer") ? 400 : Forbidden,
            ("GET", "/api/models/{model}/fairness/reports/{id:long}") => 404,
            ("GET", "/api/models/{model}/rollout/report") => Is("admin", "auditor", "deployer") ? 400 : Forbidden,
            ("POST", "/api/models/{model}/retrain") => Is("admin", "deployer") ? 400 : Forbidden,
            ("GET", "/api/retraining/jobs") => Is("admin", "auditor", "deployer") ? 200 : Forbidden,
            // The matrix fills {id} with a non-number, which no route matches: 404 before authorization, as for fairness reports.
            ("GET", "/api/retraining/jobs/{id:long}") or ("POST", "/api/retraining/jobs/{id:long}/cancel") => 404,
            ("GET", "/api/models/{model}/versions/{version}/onnx") => Is("admin", "deployer") ? 200 : Forbidden,
            // The training reference profile describes the training data: deployer, auditor and admin only (issue 17 item 2).
            ("GET", "/api/models/{model}/versions/{version}/reference") => Is("admin", "auditor", "deployer") ? (own ? 200 : 404) : Forbidden,
            ("PUT", "/api/models/{model}/versions/{version}/reference") => Is("admin", "deployer") ? 400 : Forbidden,
            ("GET", "/api/reviews") => Is("admin", "reviewer") ? 200 : Forbidden,
            ("GET", "/api/reviews/agreement") => Is("admin", "reviewer", "auditor") ? 200 : Forbidden,
            ("GET", "/api/reviews/{id}") => 404,
            ("POST", "/api/reviews/{id}/claim") => Is("admin", "reviewer") ? 404 : Forbidden,
            ("POST", "/api/reviews/{id}/decide") => Is("admin", "reviewer") ? 400 : Forbidden,
            ("GET", "/edge/bundles") or ("GET", "/edge/revocations") => Is("admin", "deployer", "consumer") ? 200 : Forbidden,
            ("GET", "/edge/bundles/{id}") => Is("admin", "deployer", "consumer") ? 404 : Forbidden,
            ("GET", "/edge/telemetry/{device}") => Is("admin", "auditor") ? 200 : Forbidden,
            ("POST", "/edge/bundles") => Is("admin", "deployer") ? 409 : Forbidden,
            ("POST", "/edge/bundles/{id}/revoke") => Is("admin", "deployer") ? 404 : Forbidden,
            ("POST", "/edge/devices/{id}/unbind") => Is("admin") ? 404 : Forbidden,
            ("POST", "/edge/devices") or ("POST", "/edge/telemetry") => Is("admin", "deployer", "consumer") ? 400 : Forbidden,
            ("POST", "/v2/models/{model}/explain") or ("POST", "/v2/models/{model}/versions/{version}/explain") =>
                Is("admin", "deployer", "consumer") ? Scoped(400) : Forbidden,
            ("GET", "/api/explanations/{id}") => Is("admin", "deployer", "consumer") ? 404 : Forbidden,
            ("POST", "/api/pipelines/{model}/versions") => Is("admin", "deployer") ? 400 : Forbidden,
            ("GET", "/api/pipelines/{model}/versions/{version}/document") => 404,
            ("GET", "/api/models/{model}/versions/{version}/card.md") or ("GET", "/api/models/{model}/versions/{version}/card.html") => Scoped(200),
            ("GET", "/openapi/{documentName}.json") => 200,
            ("GET", "/edge/policies/{model}") => Is("admin", "deployer", "consumer") ? Scoped(200) : Forbidden,
            // Triton's statistics and repository extensions (issue 13): statistics and the index read, load/unload deploy.
            ("GET", "/v2/models/stats") or ("POST", "/v2/repository/index") => 200,
            ("GET", "/v2/models/{model}/stats") or ("GET", "/v2/models/{model}/versions/{version}/stats") => Scoped(200),
            ("POST", "/v2/repository/models/{model}/load") or ("POST", "/v2/repository/models/{model}/unload") =>
                Is("admin", "deployer") ? 200 : Forbidden,
            _ => -1,
        };
    }

    [Fact]
    public async Task Every_endpoint_gives_the_expected_status_for_every_role_and_model()
    {
        Assert.True(fixture.Endpoints.Count >= 25, $"only {fixture.Endpoints.Count} endpoints found");
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var (method, pattern) in fixture.Endpoints)
        {
            if (Expected(method, pattern, "admin", true) < 0)
            {
                failures.Add($"{method} {pattern}: not in the matrix; add it");
                continue;
            }

            foreach (var role in Roles)
            {
                foreach (var own in new[] { true, false })
                {
                    var expected = Expected(method, pattern, role, own);
                    var path = SecurityFixture.Fill(pattern, own ? SecurityFixture.OwnModel : SecurityFixture.OtherModel);
                    using var request = new HttpRequestMessage(new HttpMethod(method), path);
                    if (path.EndsWith("/infer", StringComparison.Ordinal))
                    {
                        request.Content = V2Requests.Json(V2Requests.CreditRisk());
                    }
                    else if (method is "POST" or "PUT")
                    {
                        request.Content = V2Requests.Raw("{}");
                    }

                    var response = await fixture.Factory.Authorized(fixture.Keys[role]).SendAsync(request);
                    checkedCount++;
                    if ((int)response.StatusCode != expected)
                    {
                        failures.Add($"{role} {method} {path}: expected {expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }

                    if (path.EndsWith("/unload", StringComparison.Ordinal) && response.IsSuccessStatusCode)
                    {
                        // Put the model back so the endpoints checked after this one still see it served.
                        using var reload = await fixture.Factory.Admin().PostAsync(path[..^"unload".Length] + "load", V2Requests.Raw("{}"));
                        Assert.True(reload.IsSuccessStatusCode, await reload.Content.ReadAsStringAsync());
                    }

                    // Anonymous callers are refused everywhere but health.
                    using var anonymous = new HttpRequestMessage(new HttpMethod(method), path);
                    var anon = await fixture.Factory.CreateClient().SendAsync(anonymous);
                    var anonExpected = pattern.StartsWith("/v2/health", StringComparison.Ordinal) ? 200 : 401;
                    if ((int)anon.StatusCode != anonExpected)
                    {
                        failures.Add($"anonymous {method} {path}: expected {anonExpected}, got {(int)anon.StatusCode}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"{checkedCount} checks; failures:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Abuse_policy_thresholds_are_readable_only_by_deployer_auditor_and_admin()
    {
        // Disabled, so the shared server observes nothing; the document is what a consumer must not read (issue 17 item 2).
        using var put = await fixture.Factory.Admin().PutAsync($"/api/models/{SecurityFixture.OwnModel}/settings/abuse-policy", V2Requests.Raw("""{"enabled": false, "delta": 0.9}"""));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        foreach (var role in Roles)
        {
            using var client = fixture.Factory.Authorized(fixture.Keys[role]);
            using var latest = await client.GetAsync($"/api/models/{SecurityFixture.OwnModel}/settings/abuse-policy");
            using var history = await client.GetAsync($"/api/models/{SecurityFixture.OwnModel}/settings/abuse-policy/history");
            var expected = role is "admin" or "deployer" or "auditor" ? 200 : 403;
            Assert.Equal((role, expected), (role, (int)latest.StatusCode));
            Assert.Equal((role, expected), (role, (int)history.StatusCode));
        }
    }
}
