namespace Warden.Client;
