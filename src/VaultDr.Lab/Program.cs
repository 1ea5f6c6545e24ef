// Placeholder entry point until Hosting/ lands; replaced by the hosting work.
return 0;
