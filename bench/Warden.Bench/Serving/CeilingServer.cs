using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Warden.Bench.Serving;

/// <summary>
/// The throughput ceiling for the serving benchmark: a bare ASP.NET Core endpoint on the same route that parses the same
/// V2 JSON body and answers a constant response — no auth, no model, no logging.
/// </summary>
public static class CeilingServer
{
    private static readonly byte[] Response =
        """{"model_name":"credit-risk","model_version":"1","id":"constant","outputs":[{"name":"label","datatype":"BOOL","shape":[1,1],"data":[false]},{"name":"probability","datatype":"FP32","shape":[1,1],"data":[0.1]}]}"""u8.ToArray();

    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v2/models/{model}/infer", async (HttpContext context) =>
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body);
            if (!document.RootElement.TryGetProperty("inputs", out var inputs) || inputs.GetArrayLength() == 0)
            {
                context.Response.StatusCode = 400;
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(Response);
        });
        await app.RunAsync();
    }
}
