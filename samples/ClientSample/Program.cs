// Deploys an ONNX model, runs one inference with typed tensors and sends the true outcome back as feedback, through
// Warden.Client registered on IHttpClientFactory. Usage: dotnet run -- <model.onnx> [model-name]
// with WARDEN_URL (default http://localhost:8080) and WARDEN_API_KEY (a deployer or admin key) set.
using Microsoft.Extensions.DependencyInjection;
using Warden.Client;
using Warden.Contracts.Registry;
using Warden.Contracts.V2;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: ClientSample <model.onnx> [model-name]");
    return 64;
}

var onnxPath = args[0];
var modelName = args.Length > 1 ? args[1] : "client-sample";

var services = new ServiceCollection();
services.AddWardenClient(options =>
{
    options.BaseAddress = new Uri(Environment.GetEnvironmentVariable("WARDEN_URL") ?? "http://localhost:8080");
    options.ApiKey = Environment.GetEnvironmentVariable("WARDEN_API_KEY");
});
await using var provider = services.BuildServiceProvider();
var warden = provider.GetRequiredService<WardenClient>();

// 1. Deploy the model as the production version of modelName.
await using (var onnx = File.OpenRead(onnxPath))
{
    var card = new ModelCard { Name = modelName, Description = "deployed by samples/ClientSample" };
    var deployed = await warden.DeployAsync(modelName, onnx, card, stage: "production");
    Console.WriteLine($"deployed {deployed.Model} version {deployed.Version} ({deployed.Stage})");
}

// 2. One applicant of the credit-risk demo (HMDA features), one FP32 tensor of shape [1, 1] per feature.
var applicant = new Dictionary<string, float>
{
    ["pirat"] = 0.221f, ["hirat"] = 0.221f, ["lvrat"] = 0.8f, ["chist"] = 5, ["mhist"] = 2, ["phist"] = 0,
    ["unemp"] = 3.9f, ["selfemp"] = 0, ["insurance"] = 0, ["condomin"] = 0, ["single"] = 0, ["hschool"] = 1,
};
var metadata = await warden.GetModelMetadataAsync(modelName);
var inputs = metadata.Inputs.Select(input => InferenceInput.Fp32(input.Name, [1, 1], applicant[input.Name]));
var response = await warden.InferAsync(modelName, inputs);
var probability = response.Outputs.Single(o => o.Name == "probability").Data.ToSingleArray()[0];
var denied = response.Outputs.Single(o => o.Name == "label").Data.ToBooleanArray()[0];
Console.WriteLine($"prediction {response.Id}: probability of denial {probability:0.000}, denied: {denied}");

// 3. Later, the true outcome arrives: label the prediction by its id.
var feedback = await warden.SendFeedbackAsync(modelName, response.Id, "0");
Console.WriteLine($"feedback: accepted {feedback.Accepted}, matched {feedback.Matched}");
return feedback.Matched == 1 ? 0 : 1;
