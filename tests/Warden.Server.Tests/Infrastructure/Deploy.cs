using System.Net.Http.Headers;

namespace Warden.Server.Tests.Infrastructure;

/// <summary>Multipart deploy calls as a user would make them.</summary>
public static class Deploy
{
    public static MultipartFormDataContent Form(byte[] onnx, string? cardJson = null, string? version = null, string? stage = null)
    {
        var model = new ByteArrayContent(onnx);
        model.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var form = new MultipartFormDataContent { { model, "model", "model.onnx" } };
        if (cardJson is not null)
        {
            form.Add(new StringContent(cardJson), "card");
        }

        if (version is not null)
        {
            form.Add(new StringContent(version), "version");
        }

        if (stage is not null)
        {
            form.Add(new StringContent(stage), "stage");
        }

        return form;
    }

    public static byte[] CreditRiskOnnx() => File.ReadAllBytes(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/model.onnx"));
}
