package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/staffvoice/staffvoice/config"
)

// loadConfig reads the configuration file named by --config, or
// staffvoice.toml when the flag is empty. found is false only when the
// flag is empty and there is no staffvoice.toml; a file named by the flag
// must exist (a usage error). A bad file gives *config.Error (exit 2).
func loadConfig(path string) (cfg *config.Config, found bool, err error) {
	explicit := path != ""
	if !explicit {
		path = config.DefaultFile
	}
	cfg, err = config.Load(path)
	switch {
	case err == nil:
		return cfg, true, nil
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		return nil, false, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil, false, err
}

// requireConfig is loadConfig for commands that cannot do without one.
func requireConfig(path string) (*config.Config, error) {
	cfg, found, err := loadConfig(path)
	if err == nil && !found {
		err = fmt.Errorf("%w: no %s here: pass --config FILE (see staffvoice.example.toml)", errUsage, config.DefaultFile)
	}
	return cfg, err
}
