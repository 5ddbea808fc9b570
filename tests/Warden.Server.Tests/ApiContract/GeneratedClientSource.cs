using NJsonSchema.CodeGeneration.CSharp;
using NSwag;
using NSwag.CodeGeneration;
using NSwag.CodeGeneration.CSharp;

namespace Warden.Server.Tests.ApiContract;

/// <summary>
/// Generates a C# client from an OpenAPI document with NSwag, as a user would from <c>docs/openapi.json</c>. The output is
/// checked in at <see cref="RelativePath"/> (refreshed with <c>WARDEN_UPDATE_OPENAPI=1</c>) so the tests call it typed.
/// </summary>
internal static class GeneratedClientSource
{
    public const string RelativePath = "tests/Warden.Server.Tests/ApiContract/Generated/WardenApiClient.g.cs";

    public static async Task<string> GenerateAsync(string openApiJson)
    {
        var document = await OpenApiDocument.FromJsonAsync(openApiJson);
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "WardenApiClient",
            UseBaseUrl = false,
            GenerateClientInterfaces = false,
            InjectHttpClient = true,
            DisposeHttpClient = false,
            ClientClassAccessModifier = "internal",
            ParameterNameGenerator = new PartNames(),
        };
        settings.CSharpGeneratorSettings.Namespace = "Warden.Server.Tests.ApiContract.Generated";
        settings.CSharpGeneratorSettings.JsonLibrary = CSharpJsonLibrary.SystemTextJson;
        settings.CSharpGeneratorSettings.TypeAccessModifier = "internal";
        var code = new CSharpClientGenerator(document, settings).GenerateFile();

        // Generated code follows NSwag's style, not the project's: its compiler warnings are not ours to fix.
        return "#pragma warning disable\n" + code.ReplaceLineEndings("\n");
    }

    // The deploy form has a part named "model", as the path parameter is: the part becomes modelPart.
    private sealed class PartNames : IParameterNameGenerator
    {
        private readonly DefaultParameterNameGenerator names = new();

        public string Generate(OpenApiParameter parameter, IEnumerable<OpenApiParameter> allParameters)
        {
            var name = names.Generate(parameter, allParameters);
            return parameter.Kind == OpenApiParameterKind.FormData && allParameters.Any(p => p.Kind == OpenApiParameterKind.Path && p.Name == parameter.Name)
                ? name + "Part"
                : name;
        }
    }
}
