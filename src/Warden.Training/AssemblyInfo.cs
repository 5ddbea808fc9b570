namespace Warden.Training;
